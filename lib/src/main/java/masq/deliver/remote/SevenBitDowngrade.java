package masq.deliver.remote;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import masq.message.Header;
import org.apache.commons.io.output.CountingOutputStream;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.mime4j.util.ByteSequence;

/**
 * Converts a message with 8-bit content to 7-bit MIME for a server that does not offer 8BITMIME
 * (RFC 6152), as Postfix does: every leaf part whose body holds 8-bit bytes is re-encoded,
 * quoted-printable for {@code text/*}, base64 for anything else, and gets a new {@code
 * Content-Transfer-Encoding}; {@code multipart/*} is walked part by part and an attached {@code
 * message/rfc822} recursively, with Mime4j's streaming parser; a composite part labelled {@code
 * 8bit} or {@code binary} is labelled {@code 7bit}. A message without {@code Content-Type} gets
 * {@code MIME-Version} and {@code Content-Type: text/plain} with the charset its bytes allow
 * ({@code utf-8} when they are valid UTF-8, else {@code unknown-8bit}). Every other byte of every
 * header, and the bodies of parts that are 7-bit already, go out as they were.
 *
 * <p>What cannot be converted makes {@link #plan} throw {@link NotConvertible}: an 8-bit byte in a
 * header (of the message, of a part or of an attached message), in a multipart preamble or
 * epilogue, or in a part with an unknown transfer encoding; a structure nested deeper than {@link
 * #MAX_DEPTH}. The message is read three times from its {@link BodySource}, never held: {@link
 * #plan} decides which parts are re-encoded, {@link #size} counts the converted bytes (for SIZE=),
 * {@link #write} sends them. Loaded only when a message needs it, so that Mime4j is too.
 */
final class SevenBitDowngrade {
  /** How deep multiparts and attached messages may nest (Postfix's mime_nesting_limit). */
  static final int MAX_DEPTH = 100;

  private static final int BASE64_LINE = 76;

  /** The longest boundary RFC 2046 section 5.1.1 allows. */
  private static final int MAX_BOUNDARY = 70;

  private static final MimeConfig CONFIG =
      new MimeConfig.Builder()
          .setMaxLineLen(-1)
          .setMaxHeaderCount(-1)
          .setMaxHeaderLen(1024 * 1024)
          .setMaxContentLen(-1)
          .setMalformedHeaderStartsBody(true)
          .setStrictParsing(false)
          .build();

  /** Why a message cannot be converted to 7-bit; the text says where, for the bounce. */
  static final class NotConvertible extends Exception {
    private static final long serialVersionUID = 1L;

    NotConvertible(String why) {
      super(why);
    }
  }

  /** A header field of a part: its name and its bytes without the final line end. */
  private record PartField(String name, byte[] raw) {}

  /** A multipart being walked: its boundary, and whether anything of it was written yet. */
  private static final class Frame {
    final String boundary;
    boolean started;
    boolean closed;

    /** How many delimiters of this multipart were read. */
    int delimiters;

    /** The current part is empty: its delimiter came right after the one before. */
    boolean empty;

    Frame(String boundary) {
      this.boundary = boundary;
    }
  }

  private final List<Header> headers;
  private final BodySource body;

  /** The server takes 8-bit data (8BITMIME): only parts with lines over 998 octets change. */
  private final boolean eightBitOk;

  /** The leaf parts, numbered in walk order, whose bodies are re-encoded. */
  private final BitSet reencode = new BitSet();

  /** For a re-encoded leaf that is a message without Content-Type: the charset it gets. */
  private final Map<Integer, String> charsets = new HashMap<>();

  private final boolean hasContentType;
  private final boolean hasMimeVersion;

  /** True in {@link #plan}'s pass: nothing is written, bodies are inspected. */
  private boolean planning;

  /** Found in the planning pass: where parts are empty. */
  private final AdjacentDelimiters delimiters = new AdjacentDelimiters();

  /** Found in the planning pass: a part's header field has a line over 998 octets. */
  private boolean foldsPartHeader;

  /** The next leaf's number, and how deep the walk is in attached messages. */
  private int leaf;

  private int depth;
  private final byte[] buf = new byte[16 * 1024];

  private SevenBitDowngrade(List<Header> headers, BodySource body, boolean eightBitOk) {
    this.headers = headers;
    this.body = body;
    this.eightBitOk = eightBitOk;
    boolean ct = false;
    boolean mv = false;
    for (Header h : headers) {
      ct |= h.is("Content-Type");
      mv |= h.is("MIME-Version");
    }
    this.hasContentType = ct;
    this.hasMimeVersion = mv;
  }

  /**
   * Reads the message once and decides how to convert it.
   *
   * @throws NotConvertible when some 8-bit content cannot be converted (see the class comment)
   * @throws IOException when the body cannot be read
   */
  static SevenBitDowngrade plan(List<Header> headers, BodySource body)
      throws NotConvertible, IOException {
    return plan(headers, body, false);
  }

  /**
   * As {@link #plan(List, BodySource)}; with {@code eightBitOk} (the server offers 8BITMIME, or the
   * message goes with SMTPUTF8) only the leaves that hold a line over {@link WireLines#MAX} octets
   * or a bare CR are re-encoded, 8-bit bytes stay, and nothing is refused: such a line in a part of
   * an unknown transfer encoding, a preamble, an epilogue or a boundary delimiter stays as it is.
   */
  static SevenBitDowngrade plan(List<Header> headers, BodySource body, boolean eightBitOk)
      throws NotConvertible, IOException {
    for (Header h : headers) {
      if (!eightBitOk && OutgoingMessage.eightBit(h.raw())) {
        throw new NotConvertible("8-bit byte in the header field " + h.name() + ":");
      }
    }
    SevenBitDowngrade d = new SevenBitDowngrade(headers, body, eightBitOk);
    d.planning = true;
    try (InputStream in = body.open()) {
      d.run(in, OutputStream.nullOutputStream());
    } catch (RuntimeException e) {
      // Mime4j's trouble with hostile input: the same again next time
      throw new NotConvertible("cannot read its MIME structure: " + SmtpConnection.reason(e));
    }
    d.planning = false;
    return d;
  }

  /** False when {@link #plan} found no 8-bit body to re-encode: the message is 7-bit already. */
  boolean converts() {
    return !reencode.isEmpty() || foldsPartHeader;
  }

  /** The size of the converted message in bytes (LF line ends, as the spool counts them). */
  long size() throws IOException {
    CountingOutputStream counter = new CountingOutputStream(NullOutputStream.INSTANCE);
    try (InputStream in = body.open()) {
      write(in, counter);
    }
    return counter.getByteCount();
  }

  /**
   * Writes the converted message (header section, empty line, body; LF line ends) to {@code out},
   * reading the body from {@code in}, which is positioned at the body's first byte.
   */
  void write(InputStream in, OutputStream out) throws IOException {
    try {
      run(in, out);
    } catch (NotConvertible e) {
      // plan() read the same bytes and found them convertible
      throw new IOException("the message changed while it was converted: " + e.getMessage(), e);
    }
  }

  private void run(InputStream bodyIn, OutputStream out) throws IOException, NotConvertible {
    leaf = 0;
    depth = 0;
    // Mime4j sees the two header fields that decide the structure; the header section that goes
    // out is the message's own list
    StringBuilder head = new StringBuilder();
    for (Header h : headers) {
      if (h.is("Content-Type") || h.is("Content-Transfer-Encoding")) {
        head.append(h.raw());
        if (!h.raw().endsWith("\n")) {
          head.append('\n');
        }
      }
    }
    head.append('\n');
    InputStream whole =
        new SequenceInputStream(
            new ByteArrayInputStream(head.toString().getBytes(StandardCharsets.ISO_8859_1)),
            planning ? delimiters.watch(bodyIn) : bodyIn);
    walk(whole, true, out);
  }

  /**
   * Walks one message (the top one, or one attached as {@code message/rfc822}) and writes it
   * converted; in the planning pass, checks it and records the leaves to re-encode.
   */
  private void walk(InputStream in, boolean top, OutputStream out)
      throws IOException, NotConvertible {
    MimeTokenStream ts = new MimeTokenStream(CONFIG);
    ts.setRecursionMode(RecursionMode.M_NO_RECURSE);
    ts.parse(in);
    List<PartField> fields = new ArrayList<>();
    Deque<Frame> frames = new ArrayDeque<>();
    try {
      for (EntityState s = ts.getState(); s != EntityState.T_END_OF_STREAM; s = ts.next()) {
        switch (s) {
          case T_START_HEADER -> fields.clear();
          case T_FIELD -> {
            Field f = ts.getField();
            byte[] raw = bytes(f.getRaw());
            if (!eightBitOk && (!top || !frames.isEmpty())) {
              for (byte b : raw) {
                if (b < 0) {
                  throw new NotConvertible(
                      "8-bit byte in the header field "
                          + f.getName()
                          + ": of "
                          + (frames.isEmpty() ? "an attached message" : "a MIME part"));
                }
              }
            }
            foldsPartHeader |= planning && WireLines.fold(raw) != raw;
            fields.add(new PartField(f.getName(), raw));
          }
          case T_START_MULTIPART -> {
            nested(frames);
            BodyDescriptor bd = ts.getBodyDescriptor();
            header(fields, top && frames.isEmpty(), composite(bd), null, out);
            frames.push(new Frame(bd.getBoundary()));
          }
          case T_PREAMBLE -> {
            Frame f = frames.element();
            copyChecked(ts.getInputStream(), out, "the preamble of a multipart");
            f.started = true;
          }
          case T_START_BODYPART -> {
            Frame f = frames.element();
            ascii(out, (f.started && !f.empty ? "\n--" : "--") + f.boundary + "\n");
            f.started = true;
            f.empty = delimiters.follows(f.boundary, ++f.delimiters);
          }
          case T_EPILOGUE -> {
            Frame f = frames.element();
            ascii(out, "\n--" + f.boundary + "--\n");
            f.closed = true;
            copyChecked(ts.getInputStream(), out, "the epilogue of a multipart");
          }
          case T_END_MULTIPART -> {
            Frame f = frames.pop();
            if (!f.closed) {
              ascii(out, (f.started ? "\n--" : "--") + f.boundary + "--");
            }
          }
          case T_BODY -> body(ts, fields, top, frames, out);
          default -> {}
        }
      }
    } catch (MimeException e) {
      throw new NotConvertible("cannot read its MIME structure: " + e.getMessage());
    }
  }

  /** One body: an attached message is walked, a leaf copied or re-encoded. */
  private void body(
      MimeTokenStream ts,
      List<PartField> fields,
      boolean top,
      Deque<Frame> frames,
      OutputStream out)
      throws IOException, NotConvertible {
    BodyDescriptor bd = ts.getBodyDescriptor();
    String cte = bd.getTransferEncoding().toLowerCase(Locale.ROOT);
    String type = bd.getMimeType().toLowerCase(Locale.ROOT);
    boolean root = frames.isEmpty();
    if (type.equals("message/rfc822") && identity(cte)) {
      nested(frames);
      header(fields, top && root, composite(bd), null, out);
      depth++;
      walk(ts.getInputStream(), false, out);
      depth--;
      return;
    }
    int i = leaf++;
    if (!planning && !root && frames.element().empty) {
      return; // an empty part stays empty: no empty line is added
    }
    // a message without Content-Type (the top one or an attached one) is text/plain for MIME
    boolean untyped =
        root
            && (top
                ? !hasContentType
                : fields.stream().noneMatch(f -> f.name().equalsIgnoreCase("Content-Type")));
    if (planning) {
      Scan sc = scan(ts.getInputStream(), untyped);
      boolean eight = sc.eightBit() && !eightBitOk;
      if (!eight
          && (declaredMultipart(fields, top && root)
              || frames.stream().anyMatch(f -> f.boundary.length() > MAX_BOUNDARY))) {
        // a multipart Mime4j did not split, or one whose boundary is longer than RFC 2046 allows
        // (Mime4j misses its later delimiters): its lines stay as they are
        return;
      }
      if (eight || sc.unfit()) {
        if (!identity(cte) && !cte.equals("base64") && !cte.equals("quoted-printable")) {
          if (eight) {
            throw new NotConvertible("8-bit byte in a part encoded as " + cte);
          }
          return; // its lines are its encoding's: they go as they are
        }
        reencode.set(i);
        if (untyped) {
          charsets.put(i, !sc.eightBit() ? "us-ascii" : sc.utf8() ? "utf-8" : "unknown-8bit");
        }
      }
      return;
    }
    if (!reencode.get(i)) {
      header(fields, top && root, null, null, out);
      ts.getInputStream().transferTo(out);
      return;
    }
    boolean text = type.startsWith("text/") && !cte.equals("base64");
    header(fields, top && root, text ? "quoted-printable" : "base64", charsets.get(i), out);
    InputStream decoded = identity(cte) ? ts.getInputStream() : ts.getDecodedInputStream();
    if (text) {
      QuotedPrintableEncoder qp = new QuotedPrintableEncoder(out);
      copy(decoded, qp);
      qp.finish();
    } else {
      OutputStream b64 =
          Base64.getMimeEncoder(BASE64_LINE, new byte[] {'\n'}).wrap(new Unclosed(out));
      copy(decoded, b64);
      b64.close(); // writes the last group; Unclosed keeps the connection open
    }
  }

  /** True when the part's (or, {@code top}, the message's) Content-Type says multipart. */
  private boolean declaredMultipart(List<PartField> fields, boolean top) {
    String type = null;
    if (top) {
      for (Header h : headers) {
        type = type == null && h.is("Content-Type") ? h.value() : type;
      }
    } else {
      for (PartField f : fields) {
        if (type == null && f.name().equalsIgnoreCase("Content-Type")) {
          String raw = new String(f.raw(), StandardCharsets.ISO_8859_1);
          type = raw.substring(raw.indexOf(':') + 1).strip();
        }
      }
    }
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
  }

  /** Fails when one more level would nest deeper than {@link #MAX_DEPTH}. */
  private void nested(Deque<Frame> frames) throws NotConvertible {
    if (depth + frames.size() >= MAX_DEPTH) {
      throw new NotConvertible("MIME parts nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  /**
   * The new transfer encoding of a composite part: 7bit for 8bit and binary (unless 8-bit data may
   * go), else unchanged.
   */
  private String composite(BodyDescriptor bd) {
    String cte = bd.getTransferEncoding().toLowerCase(Locale.ROOT);
    return !eightBitOk && (cte.equals("8bit") || cte.equals("binary")) ? "7bit" : null;
  }

  /** An encoding that leaves the bytes as they are (the default is 7bit). */
  private static boolean identity(String cte) {
    return cte.equals("7bit") || cte.equals("8bit") || cte.equals("binary");
  }

  /**
   * Writes a part's header section and the empty line after it, with {@code cte} (when not null) as
   * its only Content-Transfer-Encoding, in the place of the first one or at the end, and with
   * MIME-Version and {@code Content-Type: text/plain; charset=CHARSET} added when {@code charset}
   * is not null (a message without Content-Type). For {@code top}, the top message's own header
   * list is written, with MIME-Version added when it has none.
   */
  private void header(
      List<PartField> fields, boolean top, String cte, String charset, OutputStream out)
      throws IOException {
    if (planning) {
      return;
    }
    boolean replaced = false;
    boolean mimeVersion = false;
    if (top) {
      for (Header h : headers) {
        if (h.is("Content-Transfer-Encoding") && cte != null) {
          replaced = cte(out, cte, replaced);
          continue;
        }
        byte[] b = WireLines.fold(h).bytes();
        out.write(b);
        if (b.length > 0 && b[b.length - 1] != '\n') {
          out.write('\n');
        }
      }
      mimeVersion = hasMimeVersion;
    } else {
      for (PartField f : fields) {
        if (f.name().equalsIgnoreCase("Content-Transfer-Encoding") && cte != null) {
          replaced = cte(out, cte, replaced);
          continue;
        }
        mimeVersion |= f.name().equalsIgnoreCase("MIME-Version");
        out.write(WireLines.fold(f.raw()));
        out.write('\n');
      }
    }
    if (!mimeVersion && (top || charset != null)) {
      ascii(out, "MIME-Version: 1.0\n");
    }
    if (charset != null) {
      ascii(out, "Content-Type: text/plain; charset=" + charset + "\n");
    }
    if (cte != null && !replaced) {
      cte(out, cte, false);
    }
    out.write('\n');
  }

  /** Writes the Content-Transfer-Encoding field unless {@code done}; returns true. */
  private static boolean cte(OutputStream out, String cte, boolean done) throws IOException {
    if (!done) {
      ascii(out, "Content-Transfer-Encoding: " + cte + "\n");
    }
    return true;
  }

  /** What a leaf's body holds: 8-bit bytes, only valid UTF-8, a line over 998 octets or bare CR. */
  private record Scan(boolean eightBit, boolean utf8, boolean unfit) {}

  /** Reads a body to its end; {@code utf8}: also checks whether it is valid UTF-8. */
  private Scan scan(InputStream in, boolean utf8) throws IOException {
    boolean eight = false;
    Utf8Check check = utf8 ? new Utf8Check() : null;
    WireLines.Counter lines = new WireLines.Counter();
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      lines.feed(buf, n);
      if (!eight || check != null) {
        for (int j = 0; j < n; j++) {
          if (buf[j] < 0) {
            eight = true;
            break;
          }
        }
        if (check != null && !check.feed(buf, n)) {
          check = null;
          utf8 = false;
        }
      }
    }
    return new Scan(eight, utf8 && check != null && check.complete(), lines.unfit());
  }

  /** Copies a preamble or epilogue, which has no transfer encoding: 8-bit there cannot go. */
  private void copyChecked(InputStream in, OutputStream out, String where)
      throws IOException, NotConvertible {
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      if (planning && !eightBitOk) {
        for (int j = 0; j < n; j++) {
          if (buf[j] < 0) {
            throw new NotConvertible("8-bit byte in " + where);
          }
        }
      }
      out.write(buf, 0, n);
    }
  }

  private void copy(InputStream in, OutputStream out) throws IOException {
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      out.write(buf, 0, n);
    }
  }

  private static byte[] bytes(ByteSequence s) {
    return s.toByteArray();
  }

  private static void ascii(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** The stream below, which close() leaves open (the base64 encoder closes what it wraps). */
  private static final class Unclosed extends java.io.FilterOutputStream {
    Unclosed(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() {
      // the connection stays open
    }
  }

  /** A streaming UTF-8 validity check (RFC 3629: no overlong forms, surrogates or > U+10FFFF). */
  private static final class Utf8Check {
    private int need;
    private int lo = 0x80;
    private int hi = 0xbf;

    /** False as soon as the bytes cannot be UTF-8. */
    boolean feed(byte[] b, int n) {
      for (int j = 0; j < n; j++) {
        int c = b[j] & 0xff;
        if (need > 0) {
          if (c < lo || c > hi) {
            return false;
          }
          need--;
          lo = 0x80;
          hi = 0xbf;
          continue;
        }
        if (c < 0x80) {
          continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
          need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
          need = 2;
          lo = c == 0xe0 ? 0xa0 : 0x80;
          hi = c == 0xed ? 0x9f : 0xbf;
        } else if (c >= 0xf0 && c <= 0xf4) {
          need = 3;
          lo = c == 0xf0 ? 0x90 : 0x80;
          hi = c == 0xf4 ? 0x8f : 0xbf;
        } else {
          return false;
        }
      }
      return true;
    }

    /** True when no sequence is left open at the end. */
    boolean complete() {
      return need == 0;
    }
  }
}
