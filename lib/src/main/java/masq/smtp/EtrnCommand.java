package masq.smtp;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import masq.MasqException;
import masq.Printable;
import masq.config.Config;
import masq.log.MailLog;
import masq.route.Routes;
import masq.spool.Spool;

/**
 * ETRN (RFC 1985): a client in relay_nets asks for the mail queued for a connection ({@code ETRN
 * #ROUTE}, a query_routes name) or a domain ({@code ETRN DOMAIN}) to be sent now. The run is a
 * detached {@code masq-deliver --route ROUTE} or {@code masq-deliver --domain DOMAIN}, one per
 * route or domain at a time (the lock file {@code runs/route.NAME.lock} or {@code
 * runs/domain.NAME.lock} in the spool, held by the run). Replies: 250 when the run was started (or
 * one is already going), 459 for a client outside relay_nets and for an unknown route, 458 when
 * masq-deliver cannot be started, 501 for bad syntax (and for the {@code @DOMAIN} form, which is
 * not supported), 503 before HELO/EHLO or inside a mail transaction.
 */
final class EtrnCommand {
  private EtrnCommand() {}

  /**
   * Answers {@code ETRN argument} from {@code client} (null: a local client).
   *
   * @param starter null when masq-deliver is not there to start
   */
  static Reply handle(
      String argument,
      String client,
      boolean helo,
      boolean transaction,
      Config cfg,
      RelayPolicy policy,
      Spool spool,
      MailLog log,
      EtrnStarter starter) {
    if (!helo) {
      return Reply.of(503, "5.5.1", "say HELO or EHLO first");
    }
    if (transaction) {
      return Reply.of(503, "5.5.1", "ETRN not allowed during a mail transaction");
    }
    String node = argument.strip();
    if (node.isEmpty() || node.contains(" ")) {
      return Reply.of(501, "5.5.4", "syntax: ETRN #route or ETRN domain");
    }
    String shown = Printable.value(node.length() > 80 ? node.substring(0, 80) : node);
    String who = client == null ? "local client" : client;
    if (!policy.mayRelay(client)) {
      log.write("smtpd: ETRN " + shown + " from " + who + " refused: not in relay_nets");
      return Reply.of(459, "4.7.1", "node " + shown + " not allowed: client not in relay_nets");
    }
    List<String> args;
    String lock;
    if (node.startsWith("#")) {
      String route;
      try {
        route = Routes.connection(cfg, node.substring(1));
      } catch (MasqException e) {
        return Reply.of(459, "4.3.0", "node " + shown + " not allowed: no such route");
      }
      if (!plainName(route)) {
        return Reply.of(459, "4.3.0", "node " + shown + " not allowed: unusable route name");
      }
      args = List.of("--route", route);
      lock = "route." + route;
    } else if (node.startsWith("@")) {
      return Reply.of(501, "5.5.4", "ETRN @domain is not supported: give #route or domain");
    } else if (isDomain(node)) {
      String domain = node.toLowerCase(Locale.ROOT);
      args = List.of("--domain", domain);
      lock = "domain." + domain;
    } else {
      return Reply.of(501, "5.5.4", "syntax: ETRN #route or ETRN domain");
    }
    if (starter == null) {
      log.write("smtpd: ETRN " + shown + " from " + who + ": masq-deliver not found");
      return Reply.of(458, "4.3.0", "unable to queue messages for node " + shown);
    }
    try {
      starter.start(args, spool.runLock(lock));
    } catch (IOException | RuntimeException e) {
      log.write(
          "smtpd: ETRN "
              + shown
              + " from "
              + who
              + ": cannot start a run: "
              + masq.ErrorText.of(e));
      return Reply.of(458, "4.3.0", "unable to queue messages for node " + shown);
    }
    log.write("smtpd: ETRN " + shown + " from " + who + ": masq-deliver " + String.join(" ", args));
    return Reply.of(250, "2.0.0", "queuing for node " + shown + " started");
  }

  /** A name usable in a file name and on a command line: letters, digits, {@code . _ -}. */
  static boolean plainName(String s) {
    if (s.isEmpty() || s.length() > 200 || s.startsWith(".") || s.startsWith("-")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 0x80) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** A domain name: dot-separated labels of letters, digits and inner hyphens. */
  static boolean isDomain(String s) {
    if (s.length() > 253 || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
      return false;
    }
    for (String label : s.split("\\.")) {
      if (label.isEmpty()
          || label.length() > 63
          || label.startsWith("-")
          || label.endsWith("-")
          || !plainName(label)
          || label.contains("_")
          || label.contains(".")) {
        return false;
      }
    }
    return true;
  }
}
