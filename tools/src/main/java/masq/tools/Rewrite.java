package masq.tools;

import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import masq.Exit;
import masq.MasqException;
import masq.accept.Acceptance;
import masq.address.Address;
import masq.address.AddressParser;
import masq.config.Config;
import masq.message.MessageFormatException;
import masq.rewrite.HeaderSection;
import masq.rewrite.Rewriter;
import masq.rewrite.Rewritten;
import masq.route.Locality;
import masq.route.Route;
import masq.route.RouteDecision;
import masq.route.Routes;
import masq.spool.Envelope;
import masq.spool.Recipient;
import masq.spool.Spool;
import org.apache.commons.cli.CommandLine;

/**
 * masq-rewrite — show a message as it would leave over a route.
 *
 * <p>The reference is masq-rewrite(1); {@code masq-rewrite --help} lists the options (OPTIONS).
 * Reads a message on stdin (or the queued message {@code --id ID}) and writes it to stdout with the
 * route's {@code map_*}/{@code set_*} rules applied to From:, Sender:, Reply-To:, Mail-Followup-To:
 * and the return path. Headers no rule touches, the line ends and the whole body come out byte for
 * byte; the body is streamed. The return path is {@code -f}, else the queued one, else the caller's
 * login at host_name (as masq-inject would set it). {@code --envelope} first prints {@code MAIL
 * FROM:<...>}, one {@code RCPT TO:<...>} per recipient that would use the route (RCPT arguments,
 * else the pending remote recipients of the queued message, else To:/Cc:/Bcc:), and an empty line.
 * {@code -v} also shows every option of the route on stderr (then empty input is no error).
 *
 * <p>DIAGNOSTICS: an address in a rewritten header that is read around a fault (an unclosed quote
 * or bracket) is rewritten with a warning on stderr; one that cannot be read is left as it is with
 * a warning, or, when it might hold a local address, is an error (exit 65, nothing written), as
 * masq-deliver defers such a message; refusals by the route's conditions are noted on stderr with
 * -v or --envelope. Exit 64 usage, 65 bad input, 66 empty input, 67 unknown ID, 69 unknown route,
 * 78 a bad configuration or route file (naming file and line).
 *
 * <p>SECURITY: reads the spool and route files only; changes nothing. IDs are checked against the
 * ID syntax before a file name is built from them.
 */
public final class Rewrite extends Tool {
  private final InputStream stdin;

  Rewrite(
      InputStream stdin, PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
    super("masq-rewrite", out, err, env, clock);
    this.stdin = stdin;
  }

  public static void main(String[] args) {
    exit(
        new Rewrite(
            new FileInputStream(FileDescriptor.in),
            System.out,
            System.err,
            System.getenv(),
            Clock.systemUTC()),
        args);
  }

  /** masq-rewrite's own options, as --help lists them. */
  private static final List<OptionDef> OPTIONS =
      List.of(
          OptionDef.valued(
              "--route",
              "NAME",
              "a route: NAME.route of the configuration, query_routes.NAME, or a file path"),
          OptionDef.valued(
              "-f", "ADDR", "return path (default: the queued one, or your login at host_name)"),
          OptionDef.valued("--id", "ID", "the queued message ID instead of stdin"),
          OptionDef.flag("--envelope", "first print MAIL FROM, RCPT TO lines and an empty line"));

  @Override
  String synopsis() {
    return """
    usage: masq-rewrite [-C FILE] --route NAME [-f ADDR] [--id ID] [--envelope] [-v]
                        [--strict] [RCPT...]
    Writes the message on stdin (or queued message ID) to stdout as it would leave over
    route NAME: the route's address rewriting applied. -v also shows the route's options
    on stderr.
    """;
  }

  @Override
  List<OptionDef> options() {
    return withCommon(OPTIONS);
  }

  @Override
  String manPage() {
    return "masq-rewrite(1)";
  }

  @Override
  int run(String[] args) throws MasqException, IOException {
    CommandLine cl = CliParser.parse(this, args);
    if (cl == null) {
      return Exit.OK;
    }
    String routeName = CliParser.last(cl, "route");
    String from = CliParser.last(cl, "f");
    String id = CliParser.last(cl, "id");
    if (cl.getOptionValues("id") != null && cl.getOptionValues("id").length > 1) {
      throw usageError("--id takes one message ID: masq-rewrite shows one message");
    }
    boolean envelope = cl.hasOption("envelope");
    List<String> rcptArgs = cl.getArgList();
    if (routeName == null || routeName.isEmpty()) {
      throw usageError("--route NAME is required");
    }
    Config cfg = loadConfig(c -> Routes.fileNamed(c, routeName));
    Route route = Routes.named(cfg, routeName, strict);
    for (String w : route.warnings()) {
      err.println(name + ": warning: " + w);
    }
    if (verbose > 0) {
      err.print(route.describe());
    }
    Address sender =
        from == null ? null : AddressParser.parseEnvelope(from).qualify(cfg.names().hostName());
    List<Address> rcpts = new ArrayList<>();
    for (String r : rcptArgs) {
      rcpts.add(AddressParser.parseEnvelope(r).qualify(cfg.names().hostName()));
    }
    InputStream in;
    if (id != null) {
      Spool spool = openSpool(cfg);
      Envelope e = spool.read(id);
      if (sender == null) {
        sender = AddressParser.parseEnvelope(e.sender());
      }
      if (rcptArgs.isEmpty()) {
        for (Recipient r : e.recipients()) {
          if (r.isPending()) {
            rcpts.add(AddressParser.parseEnvelope(r.address()));
          }
        }
      }
      in = spool.openMessage(id);
    } else {
      in = stdin;
      if (sender == null) {
        sender = new Address(login(), cfg.names().hostName());
      }
    }
    try (InputStream body = new BufferedInputStream(in, 1 << 16)) {
      HeaderSection section;
      try {
        section = HeaderSection.read(body);
      } catch (MessageFormatException e) {
        if (e.exitCode() == Exit.NOINPUT && verbose > 0) {
          return Exit.OK;
        }
        throw e;
      }
      Rewritten r = new Rewriter(route, cfg).rewrite(section.headers(), sender);
      for (String w : r.warnings()) {
        err.println(name + ": warning: " + w);
      }
      if (!r.unreadable().isEmpty()) {
        throw new MasqException(
            Exit.DATAERR,
            "unreadable address in "
                + r.unreadable().get(0)
                + ": route "
                + route.name()
                + " would not send this message (masq-deliver defers it)");
      }
      if (envelope || verbose > 0) {
        RouteDecision d = route.admits(sender, section.headers(), null, cfg.names().hostName());
        if (!d.allowed()) {
          err.println(name + ": note: " + d.reason());
        }
      }
      if (envelope) {
        if (id == null && rcptArgs.isEmpty()) {
          rcpts.addAll(Acceptance.headerRecipients(section.headers(), cfg.names().hostName()));
        }
        StringBuilder sb = new StringBuilder();
        sb.append("MAIL FROM:").append(r.returnPath().bracketed()).append('\n');
        Locality local = Locality.of(cfg);
        for (Address a : rcpts) {
          RouteDecision d = route.admits(sender, section.headers(), a, cfg.names().hostName());
          if (local.isLocal(a)) {
            err.println(
                name
                    + ": note: "
                    + a.bracketed()
                    + " is local: delivered here, not over route "
                    + route.name());
          } else if (!d.allowed()) {
            err.println(name + ": note: " + d.reason());
          } else {
            sb.append("RCPT TO:").append(a.bracketed()).append('\n');
          }
        }
        sb.append('\n');
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      }
      section.write(r.headers(), out);
      body.transferTo(out);
    }
    out.flush();
    return Exit.OK;
  }
}
