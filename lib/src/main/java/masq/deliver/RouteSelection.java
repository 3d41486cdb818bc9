package masq.deliver;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import masq.MasqException;
import masq.address.Address;
import masq.config.Config;
import masq.config.RegularFile;
import masq.deliver.remote.LinkProbe;
import masq.exec.Child;
import masq.message.Header;
import masq.rewrite.HeaderSection;
import masq.route.LinkPolicy;
import masq.route.Route;
import masq.route.RouteDecision;
import masq.route.Routes;
import masq.route.Words;
import masq.spool.Envelope;
import masq.spool.Spool;

/**
 * Which routes a queue run may use (masqmail's deliver.c {@code deliver_remote}): the permanent
 * routes, always, in the order of {@code permanent_routes}; then the routes of the connection that
 * is online now, if any. The online connection is the one named on the command line ({@code --route
 * NAME}, the ip-up case), else the first line (trimmed) that the {@code online_query} command
 * prints when it exits 0, else the first line of {@code online_file}; like --route, those may name
 * the connection or one of its route files ({@link Routes#connection}). Without --route, the query
 * routes with {@code online_probe} of the other connections are probed once, in parallel ({@link
 * LinkProbe}, each within its {@code online_probe_timeout}), and those whose server answered
 * follow, in query_routes order. A size limit ({@code max_size}, masq-deliver --max-size) keeps
 * larger messages off a route ({@link #limit}).
 *
 * <p>Trusts the configuration; the online_query command runs without a shell (its line is split
 * into words as masqmail does) for at most {@code online_query_timeout}, and is killed with
 * everything it started when it takes longer (its output is read as it comes, so a command that
 * keeps its output open or prints without end cannot hold the run). How it fails: an unknown route
 * NAME given on the command line is exit 69; a route file that does not parse is exit 78; an
 * online_query that cannot run, fails, times out or prints nothing, an online_file that is missing
 * or empty, and a name those give that is unknown or ambiguous all mean "nothing online", with the
 * reason in {@link #why()} (for -v and the log), never an error.
 */
public final class RouteSelection {
  private final List<Route> routes;
  private final String online;
  private final String why;

  /** The routes left out because masq-queue hold --route paused them. */
  private final List<Route> held;

  /** masq-deliver --max-size: no larger message goes over any route this run; 0 for no limit. */
  private final long maxSize;

  private RouteSelection(List<Route> routes, String online, String why) {
    this(routes, online, why, List.of(), 0);
  }

  private RouteSelection(
      List<Route> routes, String online, String why, List<Route> held, long maxSize) {
    this.routes = List.copyOf(routes);
    this.online = online;
    this.why = why;
    this.held = List.copyOf(held);
    this.maxSize = maxSize;
  }

  /**
   * These routes but those that {@code holds} (the spool's held routes, {@link
   * masq.spool.Spool#heldRoutes}) pause: a held route takes nothing, the others work as before.
   */
  public RouteSelection without(Set<String> holds) {
    if (holds.isEmpty()) {
      return this;
    }
    List<Route> usable = new ArrayList<>();
    List<Route> paused = new ArrayList<>(held);
    for (Route r : routes) {
      (r.heldBy(holds) ? paused : usable).add(r);
    }
    return paused.size() == held.size()
        ? this
        : new RouteSelection(
            usable,
            online,
            why
                + "; held by masq-queue hold --route: "
                + String.join(", ", paused.stream().map(Route::tag).toList()),
            paused,
            maxSize);
  }

  /** The routes {@link #without} left out (held), in their order. */
  public List<Route> held() {
    return held;
  }

  /** These routes with no message over {@code bytes} sent over any of them (--max-size). */
  public RouteSelection withMaxSize(long bytes) {
    return new RouteSelection(routes, online, why, held, bytes);
  }

  /** The size limit over {@code r} in this run: its max_size or --max-size; 0 for none. */
  long limit(Route r) {
    return r.linkPolicy().limit(maxSize);
  }

  /**
   * The first usable route that admits remote recipient {@code a} of {@code env} now (its
   * conditions on the sender, the headers and the recipient, and its size limit), or null; {@code
   * refusals} gets why each route before it (or every route) did not. How a queue run would send it
   * (--dry-run, masq-queue show).
   */
  public Route taking(Spool spool, Envelope env, Address a, String hostName, List<String> refusals)
      throws MasqException, IOException {
    if (routes.isEmpty()) {
      return null;
    }
    List<Header> headers;
    try (InputStream in = new BufferedInputStream(spool.openMessage(env.id()), 8192)) {
      headers = HeaderSection.read(in).headers();
    }
    for (Route r : routes) {
      RouteDecision d = r.admits(RemoteMessage.sender(env), headers, a, hostName);
      long limit = limit(r);
      if (d.allowed() && limit > 0 && env.size() > limit) {
        refusals.add(
            "route "
                + r.name()
                + ": "
                + LinkPolicy.human(env.size())
                + " over max_size "
                + LinkPolicy.human(limit));
      } else if (d.allowed()) {
        return r;
      } else {
        refusals.add(d.reason());
      }
    }
    return null;
  }

  /**
   * The routes usable now.
   *
   * @param routeName the connection named with --route (as {@link Routes#connection} gives it), or
   *     null to ask online_query/online_file
   */
  public static RouteSelection of(Config cfg, String routeName, boolean strict)
      throws MasqException {
    List<Route> routes = new ArrayList<>(Routes.permanent(cfg, strict));
    if (routeName != null) {
      routes.addAll(Routes.query(cfg, routeName, strict)); // unknown: exit 69
      return new RouteSelection(routes, routeName, "connection " + routeName + " named by --route");
    }
    String[] found = detect(cfg);
    String name = found[0];
    String link = null;
    String why = found[1];
    if (name != null) {
      try {
        link = Routes.connection(cfg, name); // a connection's name or its route file's
        routes.addAll(Routes.query(cfg, link, strict));
      } catch (MasqException e) {
        if (e.exitCode() == masq.Exit.CONFIG) {
          throw e;
        }
        why = found[1] + ": " + e.getMessage() + ": nothing online";
      }
    }
    List<String> up = new ArrayList<>();
    String probed = probe(cfg, link, strict, routes, up);
    if (probed != null) {
      why = (name == null ? "" : why + "; ") + probed;
      if (link == null && !up.isEmpty()) {
        link = up.get(0);
      }
    }
    return new RouteSelection(routes, link, why);
  }

  /**
   * online_probe: probes, in parallel, the query routes of every connection but {@code known} (the
   * one found online already) that have online_probe set, and adds those whose server answered to
   * {@code routes}, in query_routes order, and their connections to {@code up}. Returns what it
   * found (one line), or null when no route has online_probe. A route file that does not load is
   * left out here (the run that names its connection reports it).
   */
  private static String probe(
      Config cfg, String known, boolean strict, List<Route> routes, List<String> up) {
    List<Route> candidates = new ArrayList<>();
    List<String> links = new ArrayList<>();
    for (String link : cfg.online().queryRoutes().keySet()) {
      if (link.equals(known)) {
        continue;
      }
      try {
        for (Route r : Routes.query(cfg, link, strict)) {
          if (r.linkPolicy().onlineProbe()) {
            candidates.add(r);
            links.add(link);
          }
        }
      } catch (MasqException e) {
        // reported when the connection is used by name
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    long wait = 0;
    List<Future<LinkProbe.Answer>> answers = new ArrayList<>();
    // not closed: close() would wait for a probe that outlives the deadline (a slow DNS lookup);
    // its virtual thread keeps nothing alive
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (Route r : candidates) {
        wait = Math.max(wait, r.linkPolicy().probeTimeout().toNanos());
        answers.add(pool.submit(() -> LinkProbe.probe(r.transport(), r.linkPolicy())));
      }
      // a deadline for all: a DNS lookup that outlives its route's timeout is a link that is down
      long deadline = System.nanoTime() + wait + TimeUnit.MILLISECONDS.toNanos(250);
      List<String> said = new ArrayList<>();
      for (int i = 0; i < candidates.size(); i++) {
        Route r = candidates.get(i);
        LinkProbe.Answer a;
        try {
          a = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
          a = new LinkProbe.Answer(false, "no answer in time");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          a = new LinkProbe.Answer(false, "interrupted");
        }
        if (a.up()) {
          routes.add(r);
          if (!up.contains(links.get(i))) {
            up.add(links.get(i));
          }
        }
        said.add(r.tag() + " " + (a.up() ? "up" : "down") + " (" + a.detail() + ")");
      }
      return "online_probe: " + String.join(", ", said);
    } finally {
      pool.shutdownNow(); // a probe past the deadline is not waited for
    }
  }

  /** {name or null, how it was found or why there is none}. */
  private static String[] detect(Config cfg) {
    if (cfg.online().onlineQuery() != null && !cfg.online().onlineQuery().isBlank()) {
      String q = cfg.online().onlineQuery();
      try {
        String name = query(q, cfg.online().onlineQueryTimeout());
        return name == null
            ? new String[] {null, "online_query '" + q + "' printed nothing: nothing online"}
            : new String[] {name, "online_query '" + q + "'"};
      } catch (IOException e) {
        return new String[] {
          null, "online_query '" + q + "': " + e.getMessage() + ": nothing online"
        };
      }
    }
    Path f = cfg.online().onlineFile();
    if (f != null) {
      try {
        String name = firstLine(RegularFile.read(f, 4096)); // never a FIFO: it would hang
        return name == null
            ? new String[] {null, "online_file " + f + " is empty: nothing online"}
            : new String[] {name, "online_file " + f};
      } catch (NoSuchFileException e) {
        return new String[] {null, "no online_file " + f + ": nothing online"};
      } catch (IOException e) {
        return new String[] {
          null, "online_file " + f + ": " + RegularFile.reason(e) + ": nothing online"
        };
      }
    }
    return new String[] {null, "no --route, online_query or online_file: nothing online"};
  }

  /**
   * Runs the online_query command, killed (with what it started) after {@code timeout}; its first
   * output line, or null.
   */
  private static String query(String commandLine, Duration timeout) throws IOException {
    List<String> argv;
    try {
      argv = Words.split(commandLine);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
    if (argv.isEmpty()) {
      throw new IOException("empty command");
    }
    Child.Finished f =
        Child.bounded(
            new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD),
            null,
            timeout,
            4096);
    if (f.timedOut()) {
      throw new IOException("did not exit within " + Child.seconds(timeout) + " and was killed");
    }
    if (f.exitCode() != 0) {
      throw new IOException("exit " + f.exitCode());
    }
    return firstLine(f.output());
  }

  private static String firstLine(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    s = (nl < 0 ? s : s.substring(0, nl)).strip();
    return s.isEmpty() ? null : s;
  }

  /** The usable routes, permanent ones first, then the online connection's. */
  public List<Route> routes() {
    return routes;
  }

  /** The connection online now, or null. */
  public String online() {
    return online;
  }

  /** How the online connection was found, or why there is none (one line). */
  public String why() {
    return why;
  }
}
