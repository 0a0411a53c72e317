// load_flow_set() reports every problem at once, each at file:line with a
// fix. Each row copies tests/engine/data/flows_basic to a temporary folder,
// replaces one file, and expects one problem (and no others).
#include "engine_test_support.hpp"

#include <algorithm>
#include <fstream>

namespace ponte::engine::testing {
namespace {

namespace fs = std::filesystem;

struct Row {
  const char* name;
  const char* file;  // relative to the set's root
  std::string content;
  const char* where;    // expected "<file>:<line>"
  const char* message;  // expected substring of the message
  Problem::Severity severity = Problem::Severity::error;
  std::string file2 = {};  // a second file the row needs, when not empty
  std::string content2 = {};
};

fs::path copy_basic(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("ponte_engine_load_" + name);
  fs::remove_all(dir);
  fs::copy(test_data() / "flows_basic", dir, fs::copy_options::recursive);
  return dir;
}

class LoadErrors : public ::testing::TestWithParam<Row> {};

TEST_P(LoadErrors, NamesFileLineAndFix) {
  const Row& row = GetParam();
  const fs::path root = copy_basic(row.name);
  std::ofstream(root / row.file) << row.content;
  if (!row.file2.empty()) std::ofstream(root / row.file2) << row.content2;
  const LoadReport report = load_flow_set(root / "flows", root / "locales");
  std::vector<std::string> lines;
  const Problem* found = nullptr;
  for (const auto& p : report.problems) {
    lines.push_back(to_string(p));
    const std::string where = p.file + ":" + std::to_string(p.line);
    if (where.ends_with(row.where) && p.message.find(row.message) != std::string::npos &&
        p.severity == row.severity) {
      found = &p;
    }
  }
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_NE(found, nullptr) << "want " << row.where << " " << row.message << "\ngot:\n" << all;
  const auto same = std::count_if(report.problems.begin(), report.problems.end(),
                                  [&](const Problem& p) { return p.severity == row.severity; });
  EXPECT_EQ(same, 1) << all;
  EXPECT_EQ(report.ok(), row.severity == Problem::Severity::warning) << all;
  fs::remove_all(root);
}

// A flow with the basic set's text keys, for rows that break one thing.
// A services directory's category label ("health"), for rows about services.json.
#define HEALTH_LABEL \
  "locales/it/services.json", "{\"services\": {\"category\": {\"health\": \"Salute\"}}}"

#define HELPER_HEAD "{\"spec\": 1, \"id\": \"helper\", \"version\": 1, \"start\": \"intro\",\n"

INSTANTIATE_TEST_SUITE_P(
    Table, LoadErrors,
    ::testing::Values(
        Row{"syntax", "flows/extra.json",
            "{\"spec\": 1, \"id\": \"extra\", \"version\": 1, \"start\": \"a\",\n"
            "\"nodes\": [\n{\"id\": \"a\",, }]}",
            "flows/extra.json:3", "invalid JSON: syntax error"},
        Row{"wrong_type", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"end\",\n \"text\": 7}]}",
            "flows/helper.json:4", "expected a string, found number"},
        Row{"unknown_key", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"end\",\n \"txet\": \"helper.done\"}]}",
            "flows/helper.json:4", "unknown key \"txet\" (did you mean \"text\"?)"},
        Row{"unknown_kind", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\",\n \"kind\": \"sya\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:4", "unknown node kind \"sya\" (did you mean \"say\"?)"},
        Row{"unknown_node", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"say\", \"text\": \"helper.intro\",\n"
            " \"next\": \"dnoe\"},\n{\"id\": \"done\", \"kind\": \"end\", \"text\": "
            "\"helper.done\"}]}",
            "flows/helper.json:4", "no node \"dnoe\" (did you mean \"done\"?)"},
        Row{"unknown_flow", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"goto\",\n \"flow\": \"mneu\"}]}",
            "flows/helper.json:4", "no flow \"mneu\" (did you mean \"menu\"?)"},
        Row{"duplicate_node", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"end\", \"text\": \"helper.intro\"},\n"
            "{\"id\": \"intro\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:4", "node id \"intro\" is already used at line 3"},
        Row{"duplicate_flow", "flows/zz_copy.json",
            "{\"spec\": 1, \"id\": \"helper\", \"version\": 1, \"start\": \"a\",\n"
            "\"nodes\": [{\"id\": \"a\", \"kind\": \"end\"}]}",
            "flows/zz_copy.json:1", "flow id \"helper\" is already used by"},
        Row{"missing_start", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intra\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:1", "no start node \"intro\" (did you mean \"intra\"?)"},
        Row{"missing_text", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"say\", \"text\": "
                        "\"helper.intro\", \"next\": \"done\"},\n"
                        "{\"id\": \"done\", \"kind\": \"end\",\n \"text\": \"helper.dne\"}]}",
            "flows/helper.json:5", "no text \"helper.dne\" in the default language (it)"},
        Row{"bad_message_format", "locales/en/more.json",
            "{\"extra\": {\n \"broken\": \"You are {position, plural, one {first}\"}}",
            "locales/en/more.json:2", "invalid ICU message"},
        Row{"bad_fallback", "locales/languages.json",
            "{\"default\": \"it\", \"languages\": {\n \"it\": {\"name\": \"Italiano\"},\n"
            " \"en\": {\"name\": \"English\", \"fallback\": [\"it\"]},\n"
            " \"ar\": {\"name\": \"العربية\", \"rtl\": true,\n \"fallback\": [\"en\", \"fr\"]}}}",
            "locales/languages.json:5", "fallback \"fr\""},
        Row{"newer_spec", "flows/extra.json", "{\"spec\": 9, \"id\": \"extra\"}",
            "flows/extra.json:1", "spec 9 is newer than this Ponte understands"},
        Row{"unreachable_node", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"say\", \"text\": "
                        "\"helper.intro\", \"next\": \"done\"},\n"
                        "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"},\n"
                        "{\"id\": \"lost\", \"kind\": \"end\"}]}",
            "flows/helper.json:5", "node \"lost\" is never reached", Problem::Severity::warning},
        Row{"condition_syntax", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"branch\", \"cases\": [\n"
            "{\"when\": \"vars.topic => 'x'\", \"next\": \"done\"}], \"else\": \"done\"},\n"
            "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:4",
            "condition \"vars.topic => 'x'\", at character 12: write == to compare"},
        Row{"branch_else", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"branch\", \"cases\": [\n"
            "{\"when\": \"vars.topic == 'x'\", \"next\": \"done\"}],\n \"else\": \"dnoe\"},\n"
            "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:5", "no node \"dnoe\" (did you mean \"done\"?)"},
        Row{"branch_reads_unset", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"say\", \"text\": "
                        "\"helper.intro\", \"next\": \"route\"},\n"
                        "{\"id\": \"route\", \"kind\": \"branch\", \"cases\": [\n"
                        "{\"when\": \"vars.topc == 'health'\", \"next\": \"done\"}], \"else\": "
                        "\"done\"},\n"
                        "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:5",
            "\"vars.topc\" (did you mean \"vars.topic\"?) is never set by a set, choice or "
            "question",
            Problem::Severity::warning},
        Row{"question_store", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"question\", \"text\": "
                        "\"helper.intro\",\n \"store\": \"age\", \"invalid\": \"helper.done\", "
                        "\"next\": \"done\"},\n"
                        "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:4", "store \"age\" must be vars.<name> or contact.<name>"},
        Row{"question_retries", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"question\", \"text\": "
            "\"helper.intro\", \"store\": \"vars.age\",\n \"invalid\": \"helper.done\", "
            "\"retries\": 2, \"next\": \"done\"},\n"
            "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:4", "with \"retries\", say where to go in \"on_fail\""},
        Row{"question_type", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"question\", \"text\": "
                        "\"helper.intro\", \"store\": \"vars.age\", \"invalid\": \"helper.done\",\n"
                        " \"validate\": {\"type\": \"nubmer\"}, \"next\": \"done\"},\n"
                        "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:4", "unknown answer type \"nubmer\" (did you mean \"number\"?)"},
        Row{"question_default_invalid", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"question\", \"text\": "
                        "\"helper.intro\", \"store\": \"vars.age\", \"next\": \"done\"},\n"
                        "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:3",
            "no text \"system.invalid_answer\" in the default language (it)"},
        Row{"unused_text", "locales/it/more.json", "{\"extra\": {\n \"unused\": \"Mai usato.\"}}",
            "locales/it/more.json:2", "text \"extra.unused\" is not used by any flow",
            Problem::Severity::warning},
        Row{"read_before_set", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"choice\", \"text\": \"helper.intro\", "
            "\"choices\": [{\"id\": \"a\", \"label\": \"helper.done\", \"next\": \"mark\"}, "
            "{\"id\": \"b\", \"label\": \"helper.intro\", \"next\": \"check\"}]},\n"
            "{\"id\": \"mark\", \"kind\": \"set\", \"vars\": {\"seen\": \"yes\"}, \"next\": "
            "\"check\"},\n"
            "{\"id\": \"check\", \"kind\": \"branch\", \"cases\": [{\"when\": \"vars.seen == "
            "'yes'\", \"next\": \"done\"}], \"else\": \"done\"},\n"
            "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:5", "vars.seen may be read before it is set",
            Problem::Severity::warning},
        Row{"loop_without_wait", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"say\", \"text\": \"helper.intro\", "
            "\"next\": \"again\"},\n{\"id\": \"again\", \"kind\": \"say\", \"text\": "
            "\"helper.done\", \"next\": \"intro\"}]}",
            "flows/helper.json:3",
            "loop without waiting for the person: helper/intro -> helper/again"},
        Row{"dead_end", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"choice\", \"text\": \"helper.intro\",\n"
            " \"choices\": [{\"id\": \"a\", \"label\": \"helper.done\", \"next\": \"intro\"}]}]}",
            "flows/helper.json:3", "flow \"helper\" never finishes", Problem::Severity::warning},
        Row{"label_too_long", "locales/ar/texts.json",
            "{\"system\": {\"not_understood\": \"لم أفهم.\", \"stale_choice\": \"زر قديم.\", "
            "\"media_received\": \"وصل الملف.\"},\n \"start\": {\"hello\": \"مرحبًا!\"},\n"
            " \"menu\": {\"helper\": \"مساعدة من موظف في مكتب البلدية القريب\"}}",
            "locales/ar/texts.json:3", "WhatsApp shows 24 in a list row",
            Problem::Severity::warning},
        Row{"follow_up_delay", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"follow_up\", \"text\": "
            "\"helper.intro\",\n"
            " \"delay\": \"3 days\", \"next\": \"done\"},\n{\"id\": \"done\", \"kind\": \"end\", "
            "\"text\": \"helper.done\"}]}",
            "flows/helper.json:4", "delay \"3 days\" is not a number followed by m, h, d or w"},
        // Found by fuzz_flow_loader: a date past 2262 overflowed the clock.
        Row{"follow_up_far_future", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"follow_up\", \"text\": "
            "\"helper.intro\",\n"
            " \"at\": \"4052-12-01 09:30\", \"next\": \"done\"},\n{\"id\": \"done\", \"kind\": "
            "\"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:4", "at \"4052-12-01 09:30\" is not a date"},
        Row{"command_without_text", "locales/en/more.json",
            "{\"system\": {\"commands\": {\n \"help\": \"assist\"}}}", "locales/en/more.json:2",
            "has no text \"system.help\", which this command sends"},
        Row{"operator_flow", "flows/flowset.json",
            "{\"spec\": 1, \"start_flow\": \"start\", \"restart_flow\": \"menu\",\n"
            " \"operator_flow\": \"helpr\"}",
            "flows/flowset.json:2", "no flow \"helpr\" (did you mean \"helper\"?)"},
        Row{"sources_empty", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"end\", \"text\": "
                        "\"helper.done\",\n \"sources\": []}]}",
            "flows/helper.json:4", "name at least one source tag"},
        Row{"sources_format", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"end\", \"text\": "
                        "\"helper.done\",\n \"sources\": [\"POSTE\", \"poste.it\"]}]}",
            "flows/helper.json:4", "source tag \"poste.it\" must be capital letters"},
        Row{"sources_dashes", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"end\", \"text\": "
                        "\"helper.done\",\n \"sources\": [\"---\"]}]}",
            "flows/helper.json:4", "source tag \"---\" must be capital letters"},
        Row{"sources_unknown", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"end\", \"text\": "
                        "\"helper.done\",\n \"sources\": [\"POSTA\"]}]}",
            "flows/helper.json:4", "source tag \"POSTA\" (did you mean \"POSTE\"?) is not in"},
        Row{"reviewed_not_a_date", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"end\", \"text\": "
                        "\"helper.done\",\n \"reviewed\": \"2026-02-30\"}]}",
            "flows/helper.json:4", "reviewed \"2026-02-30\" is not a real date"},
        Row{"verify_empty", "flows/helper.json",
            HELPER_HEAD "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"end\", \"text\": "
                        "\"helper.done\",\n \"verify\": \"\"}]}",
            "flows/helper.json:4", "say why a human must check this node"},
        Row{"alert_language", "flows/helper.json",
            HELPER_HEAD
            "\"alerts\": {\"it\": [\"tratta\"],\n \"xx\": [\"danger\"]},\n"
            "\"nodes\": [{\"id\": \"intro\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:3", "language \"xx\""},
        Row{"skip_text", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"question\", \"text\": "
            "\"helper.intro\", \"store\": \"vars.x\", \"invalid\": \"helper.done\",\n \"skip\": "
            "\"helper.skp\", \"next\": "
            "\"done\"},\n{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}",
            "flows/helper.json:4", "no text \"helper.skp\" in the default language"},
        Row{"services_without_directory", "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"services\", \"text\": "
            "\"helper.intro\", \"found\": \"helper.intro\",\n \"none\": \"helper.done\", "
            "\"next\": \"done\"},\n{\"id\": \"done\", \"kind\": \"end\", \"text\": "
            "\"helper.done\"}]}",
            "flows/helper.json:3", "a services node needs flows/services.json"},
        Row{"services_node_category", "flows/services.json",
            "{\"spec\": 1, \"categories\": [], \"municipalities\": [], \"services\": []}",
            "flows/helper.json:4", "category \"helth\" is not in", Problem::Severity::error,
            "flows/helper.json",
            HELPER_HEAD
            "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"services\", \"text\": "
            "\"helper.intro\", \"found\": \"helper.intro\",\n \"categories\": [\"helth\"], "
            "\"none\": \"helper.done\", \"next\": \"done\"},\n"
            "{\"id\": \"done\", \"kind\": \"end\", \"text\": \"helper.done\"}]}"},
        Row{"service_category", "flows/services.json",
            "{\"spec\": 1, \"categories\": [], \"municipalities\": [{\"name\": \"Torino\"}],\n"
            "\"services\": [\n{\"id\": \"a\", \"municipality\": \"Torino\", \"name\": \"Q\",\n"
            " \"category\": \"questura\", \"sources\": [\"POSTE\"]}]}",
            "flows/services.json:4", "category \"questura\" is not in \"categories\""},
        Row{"service_municipality", "flows/services.json",
            "{\"spec\": 1, \"categories\": [\"health\"], \"municipalities\": [{\"name\": "
            "\"Torino\"}],\n"
            "\"services\": [\n{\"id\": \"a\", \"category\": \"health\", \"name\": \"Q\",\n"
            " \"municipality\": \"Torrino\", \"sources\": [\"POSTE\"]}]}",
            "flows/services.json:4", "municipality \"Torrino\" (did you mean \"Torino\"?) is not",
            Problem::Severity::error, HEALTH_LABEL},
        Row{"service_sources", "flows/services.json",
            "{\"spec\": 1, \"categories\": [\"health\"], \"municipalities\": [],\n\"services\": [\n"
            "{\"id\": \"a\", \"municipality\": \"*\", \"name\": \"Q\", \"category\": \"health\"}]}",
            "flows/services.json:3", "missing \"sources\"", Problem::Severity::error, HEALTH_LABEL},
        Row{"service_id_twice", "flows/services.json",
            "{\"spec\": 1, \"categories\": [\"health\"], \"municipalities\": [],\n\"services\": [\n"
            "{\"id\": \"a\", \"municipality\": \"*\", \"name\": \"Q\", \"category\": \"health\",\n"
            " \"sources\": [\"SIAS\"]},\n"
            "{\"id\": \"a\", \"municipality\": \"*\", \"name\": \"R\", \"category\": \"health\",\n"
            " \"sources\": [\"SIAS\"]}]}",
            "flows/services.json:5", "service id \"a\" is already used at line 3",
            Problem::Severity::error, HEALTH_LABEL},
        Row{"municipality_alias_twice", "flows/services.json",
            "{\"spec\": 1, \"categories\": [], \"services\": [], \"municipalities\": [\n"
            "{\"name\": \"Torino\", \"aliases\": [\"Turin\"]},\n"
            "{\"name\": \"Turìn\"}]}",
            "flows/services.json:3", "\"Turìn\" already names \"Torino\""},
        Row{"category_label", "flows/services.json",
            "{\"spec\": 1, \"municipalities\": [], \"services\": [],\n"
            "\"categories\": [\"questura\"]}",
            "flows/services.json:2", "no text \"services.category.questura\""},
        Row{"text_long", "locales/it/long.json",
            "{\"system\": {\n\"long\": \"" + std::string(701, 'a') + "\"}}",
            "locales/it/long.json:2", "is 701 characters long", Problem::Severity::warning},
        Row{"text_too_long", "locales/en/long.json",
            "{\"system\": {\n\"long\": \"" + std::string(1001, 'a') + "\"}}",
            "locales/en/long.json:2", "is 1001 characters long (at most 1000)"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(LoadErrors, ReportsEveryProblemAtOnce) {
  const fs::path root = copy_basic("many");
  std::ofstream(root / "flows/helper.json") << HELPER_HEAD
      "\"nodes\": [\n{\"id\": \"intro\", \"kind\": \"say\", \"text\": \"helper.nope\",\n"
      " \"next\": \"gone\"}]}";
  std::ofstream(root / "flows/flowset.json")
      << "{\"spec\": 1, \"start_flow\": \"strat\", \"restart_flow\": \"menu\"}";
  const LoadReport report = load_flow_set(root / "flows", root / "locales");
  EXPECT_FALSE(report.ok());
  std::vector<std::string> got;
  for (const auto& p : report.problems) {
    if (p.severity == Problem::Severity::error) got.push_back(to_string(p));
  }
  EXPECT_EQ(got,
            (std::vector<std::string>{
                root.generic_string() + "/flows/flowset.json:1:27 /start_flow: no flow \"strat\" "
                                        "(did you mean \"start\"?)",
                root.generic_string() + "/flows/helper.json:3:40 /nodes/0/text: no text "
                                        "\"helper.nope\" in the default language (it)",
                root.generic_string() + "/flows/helper.json:4:10 /nodes/0/next: no node \"gone\" "
                                        "in flow \"helper\""}));
  fs::remove_all(root);
}

TEST(LoadErrors, MissingFolderIsAnErrorNotACrash) {
  const LoadReport report = load_flow_set("/nonexistent/flows", "/nonexistent/locales");
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(report.problems.empty());
}

}  // namespace
}  // namespace ponte::engine::testing
