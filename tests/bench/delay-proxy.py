#!/usr/bin/env python3
"""delay-proxy.py LISTEN_PORT TARGET_PORT ONE_WAY_MS: a TCP relay on 127.0.0.1 that holds every
chunk it relays for ONE_WAY_MS before passing it on, in each direction, in order: a link whose
round trip is 2 x ONE_WAY_MS, for the bench where tc netem is not there (no sch_netem in the
kernel). It models latency only: no loss, no bandwidth limit. Prints "ready" when listening, and
"open N" each time a connection opens while N are open (the tests read how many were open at once)."""
import asyncio
import sys

listen, target, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000.0


async def pipe(reader, writer):
    loop = asyncio.get_running_loop()
    q = asyncio.Queue()

    async def later():
        while True:
            due, data = await q.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(later())
    try:
        while True:
            data = await reader.read(65536)
            q.put_nowait((loop.time() + delay, data or None))
            if not data:
                break
    finally:
        await sender


open_now = 0


async def handle(cr, cw):
    global open_now
    open_now += 1
    print("open", open_now, flush=True)
    try:
        await relay(cr, cw)
    finally:
        open_now -= 1


async def relay(cr, cw):
    try:
        sr, sw = await asyncio.open_connection("127.0.0.1", target)
    except OSError:
        cw.close()
        return
    await asyncio.gather(pipe(cr, sw), pipe(sr, cw), return_exceptions=True)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
