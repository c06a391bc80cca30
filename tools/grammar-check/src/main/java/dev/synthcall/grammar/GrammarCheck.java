package dev.synthcall.grammar;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.languagetool.JLanguageTool;
import org.languagetool.Languages;
import org.languagetool.rules.RuleMatch;

/** Reads one sentence-bearing line per stdin line and writes one tab-separated finding per stdout line. */
public final class GrammarCheck {
  public static void main(String[] args) throws Exception {
    JLanguageTool tool = new JLanguageTool(Languages.getLanguageForShortCode("en-US"));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    int index = 0;
    for (String line; (line = in.readLine()) != null; index++) {
      for (RuleMatch match : tool.check(line)) {
        String suggestion = match.getSuggestedReplacements().isEmpty() ? "" : match.getSuggestedReplacements().get(0);
        out.println(String.join("\t", String.valueOf(index), match.getRule().getId(),
            match.getRule().getCategory().getName(), String.valueOf(match.getFromPos()),
            String.valueOf(match.getToPos()), suggestion.replace('\t', ' ')));
      }
    }
  }
}
