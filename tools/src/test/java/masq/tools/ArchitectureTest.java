package masq.tools;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout README's "How the code is laid out" draws, as rules the build checks on the compiled
 * classes of lib and tools: each package uses only what its package-info.java says under "May use:"
 * (and says nothing it does not use; the root package {@code masq}, exit codes and the one
 * exception, is every package's), no package cycle, nothing in lib uses the tools, the tools use
 * lib only through its API ({@link masq.Api}), and no cycle of more than two classes.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  /** Where the package-info.java files are, from the tools module's directory. */
  private static final List<Path> SOURCES =
      List.of(Path.of("src/main/java"), Path.of("../lib/src/main/java"));

  /** The libraries a package-info may name, by the packages they are in. */
  private static final Map<String, String> LIBRARIES =
      Map.of(
          "Mime4j", "org.apache.james.mime4j..",
          "Commons IO", "org.apache.commons.io..",
          "Commons CLI", "org.apache.commons.cli..");

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("masq");
  }

  /** The packages of main code with the text of each one's package-info.java. */
  private static Map<String, String> packageInfos() throws IOException {
    Map<String, String> infos = new TreeMap<>();
    for (JavaClass c : classes) {
      String pkg = c.getPackageName();
      if (!infos.containsKey(pkg)) {
        infos.put(pkg, packageInfo(pkg));
      }
    }
    return infos;
  }

  private static String packageInfo(String pkg) throws IOException {
    for (Path root : SOURCES) {
      Path p = root.resolve(pkg.replace('.', '/')).resolve("package-info.java");
      if (Files.isRegularFile(p)) {
        return Files.readString(p);
      }
    }
    throw new AssertionError("no package-info.java for " + pkg);
  }

  private static final Pattern MAY_USE = Pattern.compile("May use:(.*?)\\.(\\s|$)", Pattern.DOTALL);
  private static final Pattern CODE = Pattern.compile("\\{@code (masq[\\w.]*)}");

  /** What a package-info says its package may use: masq packages and ArchUnit library patterns. */
  static Set<String> mayUse(String pkg, String info) {
    Matcher m = MAY_USE.matcher(info);
    assertTrue(m.find(), pkg + "'s package-info.java has no \"May use:\" sentence");
    String said = m.group(1).replaceAll("\\s*\\*\\s*", " ");
    Set<String> uses = new TreeSet<>();
    Matcher c = CODE.matcher(said);
    while (c.find()) {
      if (!c.group(1).equals("masq")) { // the root package (exit codes) is every package's
        uses.add(c.group(1));
      }
    }
    LIBRARIES.forEach((name, pattern) -> {
      if (said.contains(name)) {
        uses.add(pattern);
      }
    });
    return uses;
  }

  /** The masq packages and libraries each package's classes use, outside itself. */
  private static Map<String, Set<String>> used() {
    Map<String, Set<String>> used = new TreeMap<>();
    for (JavaClass c : classes) {
      Set<String> u = used.computeIfAbsent(c.getPackageName(), k -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String target = d.getTargetClass().getBaseComponentType().getPackageName();
        if (target.equals(c.getPackageName()) || target.equals("masq")) {
          continue;
        }
        if (target.startsWith("masq.")) {
          u.add(target);
        }
        for (String lib : LIBRARIES.values()) {
          if (target.startsWith(lib.substring(0, lib.length() - 2))) {
            u.add(lib);
          }
        }
      }
    }
    return used;
  }

  @Test
  void eachPackageUsesWhatItsPackageInfoSaysAndNothingElse() throws IOException {
    Map<String, Set<String>> used = used();
    List<String> wrong = new ArrayList<>();
    packageInfos()
        .forEach((pkg, info) -> {
          Set<String> may = mayUse(pkg, info);
          Set<String> uses = used.getOrDefault(pkg, Set.of());
          for (String u : uses) {
            if (!may.contains(u)) {
              wrong.add(pkg + " uses " + u + ", which its package-info does not name");
            }
          }
          for (String m : may) {
            if (!uses.contains(m)) {
              wrong.add(pkg + "'s package-info names " + m + ", which it does not use");
            }
          }
        });
    assertEquals(List.of(), wrong);
  }

  @Test
  void noPackageCycle() {
    ArchRule rule = slices().matching("masq.(**)").should().beFreeOfCycles();
    rule.check(classes);
  }

  @Test
  void nothingInLibUsesTheTools() {
    ArchRuleDefinition.noClasses()
        .that()
        .resideOutsideOfPackage("masq.tools")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("masq.tools")
        .check(classes);
  }

  /**
   * The commands build on lib's API only: the types of lib marked {@link masq.Api} (and what is
   * nested in them), and each type so marked is one they use, so that the mark says exactly what
   * the commands depend on.
   */
  @Test
  void theToolsUseLibOnlyThroughItsApi() throws IOException {
    Set<String> used = new TreeSet<>();
    Set<String> outside = new TreeSet<>();
    for (JavaClass c : classes) {
      if (!c.getPackageName().equals("masq.tools")) {
        continue;
      }
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass t = d.getTargetClass().getBaseComponentType();
        if (!t.getPackageName().startsWith("masq") || t.getPackageName().equals("masq.tools")) {
          continue;
        }
        JavaClass top = classes.get("masq." + topLevel(t));
        used.add(top.getName());
        if (!top.isAnnotatedWith(masq.Api.class)) {
          outside.add(top.getName() + " (used by " + c.getSimpleName() + ")");
        }
      }
    }
    assertEquals(Set.of(), outside, "lib types the tools use that are not marked @Api");
    Set<String> marked = new TreeSet<>();
    for (JavaClass c : classes) {
      if (c.isAnnotatedWith(masq.Api.class)) {
        marked.add(c.getName());
      }
    }
    // a constant (Exit.OK) or a lambda's interface leaves no trace in the bytecode: the sources
    // say what the tools use
    StringBuilder sources = new StringBuilder();
    try (var files = Files.walk(SOURCES.get(0))) {
      for (Path p : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        sources.append(Files.readString(p));
      }
    }
    marked.removeAll(used);
    marked.removeIf(name -> sources.indexOf(name + ";") >= 0 || sources.indexOf(name + ".") >= 0);
    assertEquals(Set.of(), marked, "types marked @Api that the tools do not use");
    System.out.println("lib's API: " + used.size() + " types");
  }

  /** A class and its own exception or helper may use each other; no longer cycle is left. */
  @Test
  void noClassCycleOfMoreThanTwo() {
    Set<String> found = new TreeSet<>();
    for (List<String> cycle : cyclesOfTopLevelClasses()) {
      if (cycle.size() > 2) {
        found.add(String.join(" ", cycle));
      }
    }
    assertEquals(Set.of(), found, "cycles of more than two top-level classes");
  }

  /** The strongly connected components (Tarjan) of the graph of top-level classes. */
  private static List<List<String>> cyclesOfTopLevelClasses() {
    Map<String, Set<String>> edges = new TreeMap<>();
    for (JavaClass c : classes) {
      String from = topLevel(c);
      Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass t = d.getTargetClass().getBaseComponentType();
        if (t.getPackageName().startsWith("masq") && !topLevel(t).equals(from)) {
          to.add(topLevel(t));
        }
      }
    }
    return new Tarjan(edges).components();
  }

  private static String topLevel(JavaClass c) {
    String name = c.getName();
    int dollar = name.indexOf('$');
    return (dollar < 0 ? name : name.substring(0, dollar)).substring("masq.".length());
  }

  /** Tarjan's strongly connected components, iterative enough for the project's few hundred. */
  private static final class Tarjan {
    private final Map<String, Set<String>> edges;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new TreeSet<>();
    private final List<List<String>> out = new ArrayList<>();

    Tarjan(Map<String, Set<String>> edges) {
      this.edges = edges;
    }

    List<List<String>> components() {
      for (String v : edges.keySet()) {
        if (!index.containsKey(v)) {
          visit(v);
        }
      }
      return out;
    }

    private void visit(String v) {
      index.put(v, index.size());
      low.put(v, index.get(v));
      stack.push(v);
      onStack.add(v);
      for (String w : edges.getOrDefault(v, Set.of())) {
        if (!index.containsKey(w)) {
          visit(w);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        List<String> component = new ArrayList<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        component.sort(null);
        out.add(component);
      }
    }
  }
}
