package masq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import masq.route.RouteOption;
import org.junit.jupiter.api.Test;

/**
 * The table of route options (masq.route.RouteOption) against the code that reads routes and
 * against masq.route(5): every option masq says it reads is read somewhere, and documented; every
 * option the page describes is in the table.
 */
class RouteOptionTest {
  private static final Path PAGE = Path.of("../man/masq.route.5");

  @Test
  void everyOptionTheTableSaysIsReadIsReadOutsideTheTable() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("masq.route");
    JavaClass table = classes.get(RouteOption.class);
    Set<String> unread = new TreeSet<>();
    for (RouteOption o : RouteOption.values()) {
      boolean used = false;
      for (JavaFieldAccess a : table.getField(o.name()).getAccessesToSelf()) {
        used |= !a.getOriginOwner().equals(table);
      }
      if (o.read() && !used) {
        unread.add(o.key());
      }
      if (!o.read()) {
        assertTrue(!used, o.key() + " is said to be ignored, yet the route code uses it");
      }
    }
    assertEquals(Set.of(), unread, "options in RouteOption that no route class reads");
  }

  @Test
  void everyOptionIsOnTheManPageAndEveryOptionThePageDescribesIsInTheTable() throws IOException {
    String page = Files.readString(PAGE);
    Set<String> missing = new TreeSet<>();
    for (String key : RouteOption.NAMES) {
      if (!Pattern.compile("^\\.B[RI]? .*\\b" + key + "\\b", Pattern.MULTILINE)
          .matcher(page)
          .find()) {
        missing.add(key);
      }
    }
    assertEquals(Set.of(), missing, "route options masq reads that masq.route(5) does not name");
    // the heads of the page's option entries: .TP, then .B name or .BR name ", " name
    Set<String> described = new TreeSet<>();
    Matcher m = Pattern.compile("^\\.TP\\n\\.BR? (.*)$", Pattern.MULTILINE).matcher(page);
    while (m.find()) {
      Matcher w = Pattern.compile("\\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\\b").matcher(m.group(1));
      while (w.find()) {
        described.add(w.group());
      }
    }
    assertTrue(described.size() > 40, "the page's option entries: " + described);
    described.removeAll(RouteOption.NAMES);
    assertEquals(Set.of(), described, "options masq.route(5) describes that RouteOption lacks");
  }
}
