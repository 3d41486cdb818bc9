package masq;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * An exception's text as a user may read it: one line, without Java class names ({@code
 * sun.security...SunCertPathBuilderException: }, {@code java.io.EOFException}), and in words where
 * the JDK gives none. The last safety net before a reason reaches the log, a bounce, {@code -v} or
 * a notice; the specific failures (TLS, files) get their own wording before they come here.
 */
@Api
public final class ErrorText {
  /** A qualified JDK class name, or any name of an exception or error, with a colon after it. */
  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "\\b(?:(?:java|javax|jdk|sun|com\\.sun)\\.[\\w$.]*\\w"
              + "|[\\w$.]+(?:Exception|Error)\\b)(?::\\s*)?");

  /** The JDK's words for a TLS alert the peer sent. */
  private static final Pattern RECEIVED_ALERT =
      Pattern.compile("(?:Received fatal alert: |alert received: Level: fatal; Alert: )([a-z_]+)");

  /** A message that says nothing its cause does not say better. */
  private static final Pattern SAYS_NOTHING =
      Pattern.compile(
          "(?i)(?:unexpected )?(?:exception|error)|[\\w$.]+(?:Exception|Error)(?::.*)?");

  /** The JDK's words for an alert of its own side: "(certificate_unknown) ...". */
  private static final Pattern OWN_ALERT = Pattern.compile("^\\(([a-z_]+)\\) ");

  private ErrorText() {}

  /** {@code e}'s message in one line without class names; words of its kind when it has none. */
  public static String of(Throwable error) {
    Throwable e = error;
    while (e.getCause() != null
        && (e.getMessage() == null || SAYS_NOTHING.matcher(e.getMessage().strip()).matches())) {
      e = e.getCause(); // "Unexpected exception", or the cause's class name and text
    }
    String m = e.getMessage();
    m = m == null ? "" : clean(m);
    if (m.isEmpty()) {
      return kind(e);
    }
    if (e instanceof NoSuchFileException) {
      return "no such file: " + m;
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + m;
    }
    return m;
  }

  /** {@code text} in one line, with class names and the JDK's alert prefix taken out. */
  public static String clean(String text) {
    String m = text.replace('\r', ' ').replace('\n', ' ');
    m = OWN_ALERT.matcher(m).replaceFirst("");
    Matcher c = CLASS_NAME.matcher(m);
    return c.find() ? c.replaceAll("").replaceAll(" {2,}", " ").strip() : m.strip();
  }

  /**
   * The TLS alert a handshake failure came with, the peer's ({@code handshake_failure}) or our
   * side's, or null.
   */
  public static String alert(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null) {
        Matcher r = RECEIVED_ALERT.matcher(m);
        if (r.find()) {
          return r.group(1);
        }
        Matcher o = OWN_ALERT.matcher(m);
        if (o.find()) {
          return o.group(1);
        }
      }
    }
    return null;
  }

  /** True when the peer, not our side, sent the alert of {@code e}. */
  public static boolean alertReceived(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && RECEIVED_ALERT.matcher(t.getMessage()).find()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why a file could not be used, in a few words: "no such file", "permission denied", the file
   * system's reason ("Not a directory"), or the text of {@link #of}. The one wording of a file
   * failure for configuration files, route files, templates, alias files and the log.
   */
  public static String ofFile(java.io.IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return of(e);
  }

  private static String kind(Throwable e) {
    return switch (e) {
      case EOFException x -> "unexpected end of input";
      case SocketTimeoutException x -> "timed out";
      case ConnectException x -> "connection refused";
      case UnknownHostException x -> "unknown host";
      case SocketException x -> "network error";
      case SSLException x -> "TLS error";
      case NoSuchFileException x -> "no such file";
      case AccessDeniedException x -> "permission denied";
      case java.io.IOException x -> "input/output error";
      case OutOfMemoryError x -> "out of memory";
      default -> "unexpected internal error";
    };
  }
}
