package masq.config;

import java.util.Set;

/** The catalogue of option names masq knows, for the main file and for route files. */
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

  /** Route options masq implements. */
  static final Set<String> ROUTE =
      Set.of(
          "allowed_senders",
          "denied_senders",
          "allowed_recipients",
          "denied_recipients",
          "allowed_from_hdrs",
          "denied_from_hdrs",
          "last_route",
          "connect_error_fail",
          "mail_host",
          "resolve_list",
          "helo_name",
          "do_correct_helo",
          "instant_helo",
          "do_pipelining",
          "auth_name",
          "auth_login",
          "auth_secret",
          // secrets from a file or a command, and AUTH without TLS only when allowed
          "auth_secret_file",
          "auth_secret_command",
          "auth_secret_timeout",
          "auth_allow_plaintext",
          "smtp_port",
          "wrapper",
          "pipe",
          "pipe_fromline",
          "pipe_fromhack",
          "map_return_path_addresses",
          "map_h_from_addresses",
          "map_h_sender_addresses",
          "map_h_reply_to_addresses",
          "map_h_mail_followup_to_addresses",
          "map_outgoing_addresses",
          "set_h_from_domain",
          "set_h_reply_to_domain",
          "set_return_path_domain",
          "qualify_header_addresses",
          "tls",
          "tls_verify",
          "tls_trust_file",
          "tls_fingerprint",
          "tls_client_cert_file",
          "tls_client_key_file",
          "tls_min_version",
          "max_messages_per_connection",
          "max_recipients_per_message",
          "online_probe",
          "online_probe_timeout",
          "max_size",
          // masqmail 0.2's names for route conditions, read into the lists that replaced them
          "allowed_mail_locals",
          "not_allowed_mail_locals",
          "allowed_return_paths",
          "not_allowed_return_paths",
          "allowed_rcpt_domains",
          "not_allowed_rcpt_domains");

  /** Route options of older masqmail releases that masq recognises but does not use. */
  static final Set<String> ROUTE_NOT_APPLICABLE =
      Set.of(
          "protocol",
          "expand_h_sender_domain",
          "expand_h_sender_address",
          "pop3_login",
          "do_ssl",
          "ssl");

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
