/**
 * A route's rewriting of a message on its way out (masq.route(5), REWRITING): {@link
 * masq.rewrite.Rewriter} turns a header section and return path into the ones that leave over the
 * route ({@link masq.rewrite.Rewritten}), and {@link masq.rewrite.HeaderSection} frames a stored
 * message's header section for it. Pure functions: the spool is never changed. Used by {@code
 * masq.deliver} for every message it sends and by masq-rewrite to show it. May use: {@code
 * masq.route}, {@code masq.address}, {@code masq.message}, {@code masq.config}.
 */
package masq.rewrite;
