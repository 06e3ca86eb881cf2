package mnemo.cli.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the small {@code sh -c} scripts a container runs (the image's entry point, the learner's resume
 * wrapper) far enough to know which {@code java} command they end in. Understood: commands separated by
 * {@code ;} or newlines, {@code if [ -f PATH ]; then NAME=VALUE; fi}, {@code NAME=VALUE}, {@code exec java ...}
 * or {@code java ...}, single and double quotes, {@code $NAME}, {@code ${NAME}} and {@code "$@"}. Anything
 * else is refused with an {@link IllegalArgumentException}, so a script this reader cannot follow fails the
 * test instead of passing unread.
 */
final class ShellScript {

  /**
   * What a script does.
   *
   * @param javaCommands the {@code java} command's words (starting with {@code java}), once per combination
   *     of the script's conditional assignments (set or not)
   * @param fileTests the paths of {@code [ -f PATH ]} tests
   * @param variablesUsed every {@code $NAME} the java command expands
   */
  record Reading(List<List<String>> javaCommands, List<String> fileTests, List<String> variablesUsed) {}

  /** One word of the script: parts to concatenate, each literal, a variable, or {@code "$@"}. */
  private record Part(String text, boolean variable, boolean quoted) {}

  private ShellScript() {}

  /**
   * @param script the {@code -c} argument
   * @param env the container's environment (variables the script may expand)
   * @param positional {@code $1...}: the arguments after {@code $0}
   */
  static Reading read(String script, Map<String, String> env, List<String> positional) {
    List<List<List<Part>>> commands = split(script);
    Map<String, String> definite = new LinkedHashMap<>(env);
    Map<String, String> conditional = new LinkedHashMap<>();
    List<String> fileTests = new ArrayList<>();
    List<List<Part>> java = null;
    boolean inIf = false;
    for (List<List<Part>> cmd : commands) {
      List<String> lits = new ArrayList<>();
      for (List<Part> w : cmd) {
        lits.add(w.size() == 1 && !w.get(0).variable() ? w.get(0).text() : null);
      }
      int i = 0;
      if ("then".equals(lits.get(0))) {
        if (!inIf) {
          throw new IllegalArgumentException("'then' outside 'if' in: " + script);
        }
        i = 1;
      }
      if (i == 0 && "if".equals(lits.get(0))) {
        // if [ -f PATH ]
        if (inIf || cmd.size() != 5 || !"[".equals(lits.get(1)) || !"-f".equals(lits.get(2))
            || lits.get(3) == null || !"]".equals(lits.get(4))) {
          throw new IllegalArgumentException("only 'if [ -f PATH ]; then NAME=VALUE; fi' is understood, got: " + script);
        }
        fileTests.add(lits.get(3));
        inIf = true;
        continue;
      }
      if ("fi".equals(lits.get(0)) && cmd.size() == 1) {
        if (!inIf) {
          throw new IllegalArgumentException("'fi' without 'if' in: " + script);
        }
        inIf = false;
        continue;
      }
      String first = lits.get(i);
      if (cmd.size() == i + 1 && first != null && first.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
        String name = first.substring(0, first.indexOf('='));
        String value = first.substring(first.indexOf('=') + 1);
        (inIf ? conditional : definite).put(name, value);
        continue;
      }
      if (inIf) {
        throw new IllegalArgumentException("only assignments are understood inside 'if', got: " + script);
      }
      if ("exec".equals(first)) {
        i++;
      }
      if (i < cmd.size() && "java".equals(lits.get(i))) {
        if (java != null) {
          throw new IllegalArgumentException("two java commands in: " + script);
        }
        java = cmd.subList(i, cmd.size());
        continue;
      }
      throw new IllegalArgumentException("not understood: '" + String.join(" ", nonNull(lits)) + "' in: " + script);
    }
    if (inIf) {
      throw new IllegalArgumentException("'if' without 'fi' in: " + script);
    }
    if (java == null) {
      throw new IllegalArgumentException("no java command in: " + script);
    }
    List<String> used = new ArrayList<>();
    for (List<Part> w : java) {
      for (Part p : w) {
        if (p.variable() && !p.text().equals("@")) {
          used.add(p.text());
        }
      }
    }
    for (String name : used) {
      if (!definite.containsKey(name) && !conditional.containsKey(name)) {
        throw new IllegalArgumentException("$" + name + " is expanded but neither the script nor the container sets it");
      }
    }
    List<String> names = new ArrayList<>(conditional.keySet());
    List<List<String>> variants = new ArrayList<>();
    for (int mask = 0; mask < 1 << names.size(); mask++) {
      Map<String, String> vars = new LinkedHashMap<>(definite);
      for (int k = 0; k < names.size(); k++) {
        if ((mask & 1 << k) != 0) {
          vars.put(names.get(k), conditional.get(names.get(k)));
        }
      }
      variants.add(expand(java, vars, positional));
    }
    return new Reading(variants, fileTests, used);
  }

  private static List<String> nonNull(List<String> words) {
    return words.stream().map(w -> w == null ? "<expansion>" : w).toList();
  }

  private static List<String> expand(List<List<Part>> words, Map<String, String> vars, List<String> positional) {
    List<String> out = new ArrayList<>();
    for (List<Part> w : words) {
      if (w.size() == 1 && w.get(0).variable() && w.get(0).text().equals("@")) {
        if (!w.get(0).quoted()) {
          throw new IllegalArgumentException("unquoted $@ splits arguments; write \"$@\"");
        }
        out.addAll(positional);
        continue;
      }
      // A word made of one unquoted variable splits on whitespace and vanishes when empty.
      if (w.size() == 1 && w.get(0).variable() && !w.get(0).quoted()) {
        String v = vars.getOrDefault(w.get(0).text(), "").strip();
        if (!v.isEmpty()) {
          out.addAll(List.of(v.split("\\s+")));
        }
        continue;
      }
      StringBuilder b = new StringBuilder();
      for (Part p : w) {
        if (p.variable() && p.text().equals("@")) {
          throw new IllegalArgumentException("\"$@\" inside a longer word is not understood");
        }
        b.append(p.variable() ? vars.getOrDefault(p.text(), "") : p.text());
      }
      out.add(b.toString());
    }
    return out;
  }

  /** Commands (split at ; and newlines) of words of parts. */
  private static List<List<List<Part>>> split(String s) {
    List<List<List<Part>>> commands = new ArrayList<>();
    List<List<Part>> cmd = new ArrayList<>();
    List<Part> word = null;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ';' || c == '\n') {
        if (word != null) {
          cmd.add(word);
          word = null;
        }
        if (!cmd.isEmpty()) {
          commands.add(cmd);
          cmd = new ArrayList<>();
        }
        i++;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          cmd.add(word);
          word = null;
        }
        i++;
      } else if ("|&<>()`\\#*?".indexOf(c) >= 0) {
        throw new IllegalArgumentException("shell syntax '" + c + "' is not understood in: " + s);
      } else {
        if (word == null) {
          word = new ArrayList<>();
        }
        if (c == '\'') {
          int end = s.indexOf('\'', i + 1);
          if (end < 0) {
            throw new IllegalArgumentException("unclosed ' in: " + s);
          }
          word.add(new Part(s.substring(i + 1, end), false, true));
          i = end + 1;
        } else if (c == '"') {
          int end = s.indexOf('"', i + 1);
          if (end < 0) {
            throw new IllegalArgumentException("unclosed \" in: " + s);
          }
          String inner = s.substring(i + 1, end);
          if (inner.matches(".*[\\\\`].*")) {
            throw new IllegalArgumentException("escapes and ` inside \"...\" are not understood in: " + s);
          }
          parseDollars(inner, true, word);
          i = end + 1;
        } else {
          int end = i;
          while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && "'\";|&<>()`\\#*?".indexOf(s.charAt(end)) < 0) {
            end++;
          }
          parseDollars(s.substring(i, end), false, word);
          i = end;
        }
      }
    }
    if (word != null) {
      cmd.add(word);
    }
    if (!cmd.isEmpty()) {
      commands.add(cmd);
    }
    return commands;
  }

  private static void parseDollars(String text, boolean quoted, List<Part> into) {
    int i = 0;
    while (i < text.length()) {
      int d = text.indexOf('$', i);
      if (d < 0) {
        into.add(new Part(text.substring(i), false, quoted));
        return;
      }
      if (d > i) {
        into.add(new Part(text.substring(i, d), false, quoted));
      }
      String rest = text.substring(d + 1);
      String name;
      int len;
      if (rest.startsWith("@")) {
        name = "@";
        len = 1;
      } else if (rest.startsWith("{")) {
        int close = rest.indexOf('}');
        name = close < 0 ? "" : rest.substring(1, close);
        len = close + 1;
      } else {
        int n = 0;
        while (n < rest.length() && (Character.isLetterOrDigit(rest.charAt(n)) || rest.charAt(n) == '_')) {
          n++;
        }
        name = rest.substring(0, n);
        len = n;
      }
      if (!name.equals("@") && !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("expansion $" + rest + " is not understood");
      }
      into.add(new Part(name, true, quoted));
      i = d + 1 + len;
    }
  }
}
