package masq;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type of masq-lib that the commands ({@code masq.tools}) may use: lib's API. A type of lib
 * is public when another package of lib uses it (Java has no narrower visibility between packages),
 * so {@code public} alone does not say what the commands may build on; this does. ArchitectureTest
 * checks that the tools use no other type of lib, and that each type marked so is used by them: a
 * new use is a decision, made by marking the type.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Api {}
