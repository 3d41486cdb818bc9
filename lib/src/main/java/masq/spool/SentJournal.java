package masq.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import masq.MasqException;

/**
 * What a remote delivery run has handed over and not yet recorded: {@code tmp/sent.PID}, one line
 * {@code ID<TAB>RECIPIENT} appended the moment a server answers the final dot with 2xx, before the
 * envelope write or removal that records it (spool-format.md, "The sent journal"). The run holds
 * the file locked while it lives and deletes it once every result is on disk. A run killed in
 * between leaves it; the next run {@link #replay}s it before it sends anything: the recipients it
 * names are recorded as delivered, so a kill -9 no longer sends again what a server already has.
 * The lines are not fsynced (one write per message, no wait for the disk): after a crash of the
 * machine the journal may be gone, and the message is sent again as before (at least once).
 */
public final class SentJournal {
  private static final String PREFIX = SpoolLayout.SENT_JOURNAL;

  private final SpoolLayout disk;
  private final Path file;
  private FileChannel channel;

  SentJournal(SpoolLayout disk, long pid) {
    this.disk = disk;
    this.file = disk.tmpDir().resolve(PREFIX + pid);
  }

  /**
   * Notes that the server took message {@code id} for {@code recipient} (as the envelope has it).
   */
  public synchronized void sent(String id, String recipient) throws IOException {
    if (channel == null) {
      FileChannel ch = disk.createFile(file);
      try {
        disk.adopt(file);
        ch.lock(); // held while this run lives: the sign that it is not a leftover
      } catch (IOException e) {
        ch.close();
        throw e;
      }
      channel = ch;
    }
    ByteBuffer line =
        ByteBuffer.wrap((id + '\t' + recipient + '\n').getBytes(StandardCharsets.UTF_8));
    while (line.hasRemaining()) {
      channel.write(line);
    }
  }

  /** Forgets the lines so far: every result they name is on disk now. */
  public synchronized void recorded() throws IOException {
    if (channel != null) {
      Files.deleteIfExists(file);
      channel.close();
      channel = null;
    }
  }

  /**
   * Records as delivered the recipients that the journals of runs that died name, in each message
   * still queued that no live run holds, and deletes each journal whose lines are all applied.
   * Returns one line for the log per message changed.
   */
  static List<String> replay(Spool spool, SpoolLayout disk) throws IOException {
    List<String> said = new ArrayList<>();
    List<Path> journals = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(disk.tmpDir(), PREFIX + "*")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          journals.add(p); // a FIFO, a directory or a link is no journal: check reports it
        }
      }
    }
    for (Path j : journals) {
      if (j.getFileName().toString().equals(PREFIX + spool.pid()) || SpoolLayout.isLocked(j)) {
        continue; // this run's own, or a live run's
      }
      Map<String, Set<String>> sent = read(j);
      boolean all = true;
      for (Map.Entry<String, Set<String>> e : sent.entrySet()) {
        all &= apply(spool, e.getKey(), e.getValue(), j.getFileName().toString(), said);
      }
      if (all) {
        Files.deleteIfExists(j);
      }
    }
    return said;
  }

  /** Marks {@code sent} delivered in message {@code id}; false when a live run holds it. */
  private static boolean apply(
      Spool spool, String id, Set<String> sent, String journal, List<String> said)
      throws IOException {
    MessageLock lock;
    try {
      lock = spool.lock(id);
    } catch (MasqException e) {
      return true; // not queued any more (removed, or an ID that is no message): nothing to do
    }
    if (lock == null) {
      return false; // a live run holds it: the journal waits for the next run
    }
    try (lock) {
      Envelope env = lock.envelope();
      List<Recipient> rs = new ArrayList<>();
      int n = 0;
      for (Recipient r : env.recipients()) {
        if (r.isPending() && sent.contains(r.address())) {
          rs.add(r.with(Recipient.State.DELIVERED, spool.clock().millis(), ""));
          n++;
        } else {
          rs.add(r);
        }
      }
      if (n > 0) {
        spool.update(lock, env.withRecipients(rs));
        said.add(id + " " + n + " recipient(s) recorded as delivered from " + journal);
      }
      return true;
    } catch (CorruptEntryException e) {
      return true; // masq-queue check moves it to corrupt/; the journal cannot help it
    }
  }

  /** The recipients per message ID of a journal; a line cut short by the kill is left out. */
  private static Map<String, Set<String>> read(Path j) throws IOException {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    String text;
    try {
      // an address that is not UTF-8 reads back otherwise than the envelope has it: that
      // recipient is not matched, and is sent again, as without the journal
      text = new String(Files.readAllBytes(j), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return out; // replayed by another run meanwhile
    }
    int end = text.lastIndexOf('\n');
    for (String line : text.substring(0, end + 1).split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        out.computeIfAbsent(line.substring(0, tab), k -> new LinkedHashSet<>())
            .add(line.substring(tab + 1));
      }
    }
    return out;
  }
}
