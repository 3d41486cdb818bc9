package masq.deliver;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import masq.MasqException;
import masq.address.Address;
import masq.address.AddressException;
import masq.address.AddressParser;
import masq.config.Config;
import masq.deliver.local.Aliases;
import masq.deliver.local.LocalDelivery;
import masq.route.Locality;
import masq.route.Route;
import masq.route.RouteTransport;
import masq.spool.Envelope;
import masq.spool.Recipient;
import masq.spool.Spool;

/**
 * masq-deliver --dry-run: what a queue run would do with each message, printed and nothing changed.
 * For every top-level recipient: already done, a failure it would meet, the local delivery ({@link
 * LocalDelivery#describe}), each leaf of its alias, or the route that would take a remote one (and
 * the routes that would not, and why, from {@link RouteSelection}); then the usable routes.
 *
 * <p>Trusts the spool and the configuration; reads, never locks or writes. A message file that
 * cannot be read is said so in the recipient's line.
 */
final class DryRun {
  private final Config cfg;
  private final Spool spool;
  private final Locality locality;
  private final LocalDelivery local;
  private final Aliases aliases;

  /** The run's routes, or null for a run without routes (remote mail stays queued). */
  private final RouteSelection selection;

  private final PrintStream out;

  DryRun(
      Config cfg,
      Spool spool,
      Locality locality,
      LocalDelivery local,
      Aliases aliases,
      RouteSelection selection,
      PrintStream out) {
    this.cfg = cfg;
    this.spool = spool;
    this.locality = locality;
    this.local = local;
    this.aliases = aliases;
    this.selection = selection;
    this.out = out;
  }

  /** Prints what a run would do with {@code env}. */
  void describe(Envelope env) {
    StringBuilder sb = new StringBuilder();
    sb.append(env.id())
        .append(" <")
        .append(env.sender())
        .append(">")
        .append(env.held() ? " (held: not delivered)" : "")
        .append('\n');
    for (Recipient r : env.recipients()) {
      if (!r.parent().isEmpty()) {
        continue;
      }
      sb.append("  ").append(r.address()).append(": ");
      if (!r.isPending()) {
        sb.append("already ").append(r.state().word()).append('\n');
        continue;
      }
      Address a;
      try {
        a = AddressParser.parseEnvelope(r.address());
      } catch (AddressException e) {
        sb.append("fail: ").append(e.getMessage()).append('\n');
        continue;
      }
      if (!locality.isLocal(a)) {
        sb.append(describeRemote(env, a)).append('\n');
        continue;
      }
      Aliases.Expansion x = aliases.expand(a, locality, cfg.names().hostName());
      if (x.error() != null) {
        sb.append("fail: ").append(x.error()).append('\n');
        continue;
      }
      if (LocalPass.isPlain(x, a)) {
        sb.append(local.describe(env, x.leaves().get(0), a)).append('\n');
        continue;
      }
      sb.append("alias\n");
      for (Aliases.Leaf leaf : x.leaves()) {
        boolean done =
            env.recipients().stream()
                .anyMatch(c ->
                    c.parent().equals(r.address())
                        && c.address().equals(leaf.key())
                        && !c.isPending());
        sb.append("    ")
            .append(leaf.key())
            .append(": ")
            .append(done ? "already done" : describeLeaf(env, leaf, a))
            .append('\n');
      }
    }
    out.print(sb);
  }

  /** A leaf of an alias: a remote one as the remote pass would send it. */
  private String describeLeaf(Envelope env, Aliases.Leaf leaf, Address alias) {
    if (leaf.kind() == Aliases.Leaf.Kind.REMOTE && selection != null) {
      try {
        return describeRemote(env, AddressParser.parseEnvelope(leaf.key()));
      } catch (AddressException e) {
        return "fail: " + e.getMessage();
      }
    }
    return local.describe(env, leaf, alias);
  }

  /** What a queue run would do with the remote recipient {@code a} of {@code env}. */
  private String describeRemote(Envelope env, Address a) {
    if (selection == null) {
      return "remote, waiting for a route";
    }
    if (selection.routes().isEmpty()) {
      return "remote, waiting for a route (" + selection.why() + ")";
    }
    List<String> refusals = new ArrayList<>();
    Route r;
    try {
      r = selection.taking(spool, env, a, cfg.names().hostName(), refusals);
    } catch (MasqException | IOException e) {
      return "remote, cannot read the message: " + e.getMessage();
    }
    if (r == null) {
      return "remote, no usable route takes it: " + String.join("; ", refusals);
    }
    return "remote, over "
        + r.tag()
        + " ("
        + target(r.transport())
        + ")"
        + (refusals.isEmpty() ? "" : "; not " + String.join("; not ", refusals));
  }

  /** Where a route sends, in a few words. */
  private static String target(RouteTransport r) {
    if (r.pipe() != null) {
      return "pipe " + r.pipe();
    }
    if (r.wrapper() != null) {
      return "wrapper " + r.wrapper();
    }
    return r.mailHost() == null ? "by MX of the recipient domain" : r.mailHost() + ":" + r.port();
  }

  /** Prints which routes are usable now (a run with routes). */
  void describeRoutes() {
    out.println(
        "routes: "
            + (selection.routes().isEmpty()
                ? "none"
                : String.join(", ", selection.routes().stream().map(Route::tag).toList()))
            + " ("
            + selection.why()
            + ")");
  }
}
