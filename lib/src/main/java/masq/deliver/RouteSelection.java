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
import masq.Api;
import masq.ErrorText;
import masq.MasqException;
import masq.address.Address;
import masq.config.Config;
import masq.config.RegularFile;
import masq.deliver.remote.LinkProbe;
import masq.exec.Child;
import masq.message.Header;
import masq.rewrite.HeaderSection;
import masq.route.Route;
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
 * NAME given on the command line is exit 69; a route file that does not parse is exit 78. An
 * online_query that prints nothing (exit 0) and an online_file that is missing or empty mean
 * "nothing online" (masqmail's offline). An online_query that cannot run, exits non-zero or times
 * out, an online_file that exists but cannot be read, and a name those give that is unknown or
 * ambiguous also mean nothing online, but are a fault of the online check: one line in {@link
 * #failure()} ({@code online_query: cannot run /x: no such file}) that masq-deliver logs and
 * notify_command hears of, and that masq-queue status reports; never an error of the run.
 */
@Api
public final class RouteSelection {
  private final List<Route> routes;
  private final String online;
  private final String why;

  /** What went wrong with the online check (one line), or null. */
  private final String failure;

  /** The routes left out because masq-queue hold --route paused them. */
  private final List<Route> held;

  /** masq-deliver --max-size: no larger message goes over any route this run; 0 for no limit. */
  private final long maxSize;

  private RouteSelection(List<Route> routes, String online, String why, String failure) {
    this(routes, online, why, failure, List.of(), 0);
  }

  private RouteSelection(
      List<Route> routes,
      String online,
      String why,
      String failure,
      List<Route> held,
      long maxSize) {
    this.routes = List.copyOf(routes);
    this.online = online;
    this.why = why;
    this.failure = failure;
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
            failure,
            paused,
            maxSize);
  }

  /**
   * These routes, with every configured route that {@code holds} pauses counted as held, also those
   * of connections that are not online (so that masq-queue can name a held route as the reason mail
   * waits). A route file that does not load is left out.
   */
  public RouteSelection withAllHeld(Config cfg, Set<String> holds, boolean strict) {
    List<Route> paused = new ArrayList<>(held);
    List<Route> all = new ArrayList<>();
    try {
      all.addAll(Routes.permanent(cfg, strict));
    } catch (MasqException e) {
      // reported where the routes are used
    }
    for (String link : cfg.online().queryRoutes().keySet()) {
      try {
        all.addAll(Routes.query(cfg, link, strict));
      } catch (MasqException e) {
        // likewise
      }
    }
    for (Route r : all) {
      if (r.heldBy(holds) && paused.stream().noneMatch(p -> p.tag().equals(r.tag()))) {
        paused.add(r);
      }
    }
    return new RouteSelection(routes, online, why, failure, paused, maxSize);
  }

  /** The routes {@link #without} left out (held), in their order. */
  public List<Route> held() {
    return held;
  }

  /** These routes with no message over {@code bytes} sent over any of them (--max-size). */
  public RouteSelection withMaxSize(long bytes) {
    return new RouteSelection(routes, online, why, failure, held, bytes);
  }

  /** The size limit over {@code r} in this run: its max_size or --max-size; 0 for none. */
  long limit(Route r) {
    return r.linkPolicy().limit(maxSize);
  }

  /**
   * The first usable route that admits remote recipient {@code a} of {@code env} now (its
   * conditions on the sender, the headers and the recipient, and its size limit), or null; {@code
   * refusals} gets why each route before it (or every route) did not, first the held routes that
   * would take it. How a queue run would send it (--dry-run, masq-queue show).
   */
  public Route taking(Spool spool, Envelope env, Address a, String hostName, List<String> refusals)
      throws MasqException, IOException {
    if (routes.isEmpty() && held.isEmpty()) {
      return null;
    }
    List<Header> headers;
    try (InputStream in = new BufferedInputStream(spool.openMessage(env.id()), 8192)) {
      headers = HeaderSection.read(in).headers();
    }
    for (Route r : held) {
      if (RouteAdmission.admits(r, env, headers, a, hostName)) {
        refusals.add(r.tag() + " would take it but is held (masq-queue release --route)");
      }
    }
    for (Route r : routes) {
      String why = RouteAdmission.refusal(r, env, headers, a, hostName, limit(r));
      if (why == null) {
        return r;
      }
      refusals.add(why);
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
      return new RouteSelection(
          routes, routeName, "connection " + routeName + " named by --route", null);
    }
    String[] found = detect(cfg);
    String name = found[0];
    String link = null;
    String why = found[1];
    String failure = found[2];
    if (name != null) {
      try {
        link = Routes.connection(cfg, name); // a connection's name or its route file's
        routes.addAll(Routes.query(cfg, link, strict));
      } catch (MasqException e) {
        if (e.exitCode() == masq.Exit.CONFIG) {
          throw e;
        }
        failure = found[3] + " gave '" + name + "': " + e.getMessage();
        why = failure + ": nothing online";
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
    return new RouteSelection(routes, link, why, failure);
  }

  /**
   * Only the fault of the online check ({@link #failure()}) that a run without --route would meet
   * now: online_query is run (or online_file read) as a run does, but no route is loaded or probed.
   * For masq-queue status.
   */
  public static String onlineFailure(Config cfg) {
    return detect(cfg)[2];
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

  /**
   * {name or null, how it was found or why there is none, the fault of the check or null, the
   * check's own name for messages}.
   */
  private static String[] detect(Config cfg) {
    if (cfg.online().onlineQuery() != null && !cfg.online().onlineQuery().isBlank()) {
      String q = cfg.online().onlineQuery();
      try {
        String name = query(q, cfg.online().onlineQueryTimeout());
        return name == null
            ? new String[] {
              null, "online_query '" + q + "' printed nothing: nothing online", null, ""
            }
            : new String[] {name, "online_query '" + q + "'", null, "online_query: " + q};
      } catch (IOException e) {
        String failure = "online_query: " + e.getMessage();
        return new String[] {null, failure + ": nothing online", failure, ""};
      }
    }
    Path f = cfg.online().onlineFile();
    if (f != null) {
      try {
        String name = firstLine(RegularFile.read(f, 4096)); // never a FIFO: it would hang
        return name == null
            ? new String[] {null, "online_file " + f + " is empty: nothing online", null, ""}
            : new String[] {name, "online_file " + f, null, "online_file " + f};
      } catch (NoSuchFileException e) {
        return new String[] {null, "no online_file " + f + ": nothing online", null, ""};
      } catch (IOException e) {
        String failure = "online_file " + f + ": " + ErrorText.ofFile(e);
        return new String[] {null, failure + ": nothing online", failure, ""};
      }
    }
    return new String[] {null, "no --route, online_query or online_file: nothing online", null, ""};
  }

  /**
   * Runs the online_query command, killed (with what it started) after {@code timeout}; its first
   * output line, or null. Throws with the fault in masq's words ({@code cannot run /x: no such
   * file}, {@code /x exited 3}, {@code /x timed out after 5s}).
   */
  private static String query(String commandLine, Duration timeout) throws IOException {
    List<String> argv;
    try {
      argv = Words.split(commandLine);
    } catch (IllegalArgumentException e) {
      throw new IOException("'" + commandLine + "': " + e.getMessage(), e);
    }
    if (argv.isEmpty()) {
      throw new IOException("empty command");
    }
    Child.Finished f;
    try {
      f =
          Child.bounded(
              new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD),
              null,
              timeout,
              4096);
    } catch (IOException e) {
      throw new IOException("cannot run " + argv.get(0) + ": " + Child.whyNotStarted(e), e);
    }
    if (f.timedOut()) {
      throw new IOException(
          argv.get(0) + " timed out after " + Child.seconds(timeout) + " (killed)");
    }
    if (f.exitCode() != 0) {
      throw new IOException(argv.get(0) + " exited " + f.exitCode());
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

  /** What went wrong with the online check, one line ({@code online_query: ...}), or null. */
  public String failure() {
    return failure;
  }

  /** How the online connection was found, or why there is none (one line). */
  public String why() {
    return why;
  }
}
