package masq.config;

import java.util.Set;

/**
 * The catalogue of main option names masq knows (route options are declared in {@code
 * masq.route.RouteOption}), and the did-you-mean of both.
 */
final class OptionNames {
  private OptionNames() {}

  /** Main options masq implements (masqmail's, plus masq's own). */
  static final Set<String> MAIN =
      Set.of(
          "host_name",
          "local_hosts",
          "local_addresses",
          "not_local_addresses",
          "spool_dir",
          "log_dir",
          "mail_dir",
          "lock_dir",
          "alias_file",
          "globalias_file",
          "caseless_matching",
          "do_queue",
          "do_relay",
          "listen_addresses",
          "permanent_routes",
          "online_query",
          "mbox_default",
          "mbox_users",
          "mda_users",
          "maildir_users",
          "maildir_path",
          "run_as_user",
          "mda",
          "mda_fromline",
          "mda_fromhack",
          "pipe_fromline",
          "pipe_fromhack",
          "errmsg_file",
          "warnmsg_file",
          "warn_intervals",
          "max_defer_time",
          "max_msg_size",
          "defer_all",
          "do_save_envelope_to",
          "log_user",
          "pid_dir",
          "debug_level",
          "use_syslog",
          "trusted_users",
          "online_file",
          "relay_nets",
          "smtp_timeout",
          "max_recipients",
          "tls_cert_file",
          "tls_key_file",
          "mda_timeout",
          "online_query_timeout",
          "smtp_auth_file",
          "notify_command",
          "notify_after",
          "notify_timeout");

  /** Main options of masqmail (current or older releases) that have no meaning in masq. */
  static final Set<String> MAIN_NOT_APPLICABLE =
      Set.of(
          "remote_port",
          "local_nets",
          "local_net_route",
          "local_net_routes",
          "online_detect",
          "online_pipe",
          "mserver_iface",
          "get_interval",
          "ident_trusted_nets",
          "alias_local_caseless",
          "do_pipelining",
          "fallback",
          "smtp_auth");

  /** Prefixes of masqmail's main options of the form {@code prefix.NAME} without meaning here. */
  static final Set<String> MAIN_NOT_APPLICABLE_PREFIXES =
      Set.of("online_routes", "connect_routes", "get", "online_gets");

  /**
   * The known name closest to {@code name} when it looks like a typing mistake ({@link
   * NearestWord#of}), else null. A {@code prefix.NAME} option is matched on its prefix ({@code
   * query_route.isp}: {@code query_routes.isp}).
   */
  static String nearest(String name, Set<String> known, Set<String> prefixes) {
    int dot = name.indexOf('.');
    if (dot > 0) {
      String p = nearest(name.substring(0, dot), prefixes, Set.of());
      return p == null ? null : p + name.substring(dot);
    }
    return NearestWord.of(name, known);
  }
}
