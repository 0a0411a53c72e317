// flows/sources.json (the source tags content may cite) and
// flows/services.json (the services directory the `services` node shows).
// Both are optional; every problem is reported at its file:line like a flow's.
//   sources.json:  {"spec": 1, "sources": {"POSTE": {"source": "poste.it/...", "date": "30 May
//   2024"}}} services.json: {"spec": 1, "categories": ["questura", ...],
//                   "municipalities": [{"name": "Torino", "province": "TO", "aliases": ["Turin"]}],
//                   "services": [{"id": "to-questura", "municipality": "Torino",
//                                 "category": "questura", "name": "...", "sources": ["PIEMQ"]}]}
#include "bot/engine/loader.hpp"
#include "bot/engine/text_match.hpp"

#include <algorithm>

namespace ponte::engine {
namespace {

constexpr int kSpec = 1;
constexpr std::string_view kNational = "*";

bool is_id(std::string_view s, bool dash) {
  return !s.empty() && s.size() <= 60 && std::all_of(s.begin(), s.end(), [dash](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dash && c == '-');
  });
}

void read_spec(Fields& f) {
  const auto spec = f.integer("spec", Need::required);
  if (spec && *spec != kSpec) f.ctx().error("/spec", "this Ponte reads spec 1 only");
}

std::vector<std::string> strings(Fields& f, std::string_view key, Need need) {
  std::vector<std::string> out;
  const nlohmann::json* list = f.array(key, need);
  if (list == nullptr) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& v = (*list)[i];
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
      f.ctx().error(f.pointer(key) + "/" + std::to_string(i), "expected a non-empty string");
      continue;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

void read_categories(Fields& f, ServiceDirectory& dir) {
  const auto categories = strings(f, "categories", Need::required);
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const std::string pointer = f.pointer("categories") + "/" + std::to_string(i);
    const std::string& c = categories[i];
    if (!is_id(c, false)) {
      f.ctx().error(pointer, "category " + in_quotes(c) + " must be a-z, 0-9 and _");
    } else if (std::find(dir.categories.begin(), dir.categories.end(), c) != dir.categories.end()) {
      f.ctx().error(pointer, "category " + in_quotes(c) + " is written twice");
    } else {
      dir.categories.push_back(c);
    }
  }
}

void read_municipalities(Fields& top, ServiceDirectory& dir) {
  const nlohmann::json* list = top.array("municipalities", Need::required);
  if (list == nullptr) return;
  for (std::size_t i = 0; i < list->size(); ++i) {
    Fields f(top.ctx(), (*list)[i], top.pointer("municipalities") + "/" + std::to_string(i));
    if (!f.is_object()) continue;
    Municipality m;
    m.name = f.string("name", Need::required);
    m.province = f.string("province", Need::optional);
    m.aliases = strings(f, "aliases", Need::optional);
    f.finish();
    if (m.name.empty()) continue;
    if (!m.province.empty() &&
        (m.province.size() != 2 || !std::all_of(m.province.begin(), m.province.end(),
                                                [](char c) { return c >= 'A' && c <= 'Z'; }))) {
      f.ctx().error(f.pointer("province"), "province " + in_quotes(m.province) +
                                               " must be its two capital letters (\"TO\")");
    }
    bool ok = true;
    for (std::size_t k = 0; k <= m.aliases.size(); ++k) {
      const std::string& word = k == 0 ? m.name : m.aliases[k - 1];
      const std::string pointer =
          k == 0 ? f.pointer("name") : f.pointer("aliases") + "/" + std::to_string(k - 1);
      std::u32string n = normalize(word);
      if (n.empty()) {
        f.ctx().error(pointer, in_quotes(word) + " has no letters");
        ok = false;
        continue;
      }
      for (const auto& other : dir.municipalities) {
        if (std::find(other.match.begin(), other.match.end(), n) != other.match.end()) {
          f.ctx().error(pointer, in_quotes(word) + " already names " + in_quotes(other.name));
          ok = false;
        }
      }
      if (std::find(m.match.begin(), m.match.end(), n) == m.match.end()) {
        m.match.push_back(std::move(n));
      }
    }
    if (ok) dir.municipalities.push_back(std::move(m));
  }
}

std::vector<std::string> municipality_names(const ServiceDirectory& dir) {
  std::vector<std::string> names;
  for (const auto& m : dir.municipalities) names.push_back(m.name);
  return names;
}

void read_service(FileContext& ctx, const nlohmann::json& j, const std::string& pointer,
                  ServiceDirectory& dir) {
  Fields f(ctx, j, pointer);
  if (!f.is_object()) return;
  Service s;
  s.line = ctx.positions.at(pointer).line;
  s.id = f.string("id", Need::required);
  s.municipality = f.string("municipality", Need::required);
  s.category = f.string("category", Need::required);
  s.name = f.string("name", Need::required);
  s.address = f.string("address", Need::optional);
  s.hours = f.string("hours", Need::optional);
  s.phone = f.string("phone", Need::optional);
  s.url = f.string("url", Need::optional);
  s.languages = strings(f, "languages", Need::optional);
  if (const nlohmann::json* sources = f.array("sources", Need::required)) {
    s.sources = read_source_tags(ctx, *sources, f.pointer("sources"));
  }
  s.reviewed = f.string("reviewed", Need::optional);
  if (f.has("reviewed")) check_review_date(ctx, s.reviewed, f.pointer("reviewed"));
  s.example = f.boolean("example", Need::optional).value_or(false);
  f.finish();
  if (!s.id.empty() && !is_id(s.id, true)) {
    ctx.error(f.pointer("id"), "service id " + in_quotes(s.id) + " must be a-z, 0-9, _ and -");
  }
  for (const auto& other : dir.services) {
    if (!s.id.empty() && other.id == s.id) {
      ctx.error(f.pointer("id"), "service id " + in_quotes(s.id) + " is already used at line " +
                                     std::to_string(other.line));
    }
  }
  if (!s.municipality.empty() && s.municipality != kNational &&
      std::none_of(dir.municipalities.begin(), dir.municipalities.end(),
                   [&](const Municipality& m) { return m.name == s.municipality; })) {
    ctx.error(f.pointer("municipality"),
              "municipality " + did_you_mean(s.municipality, municipality_names(dir)) +
                  " is not in \"municipalities\" (\"*\" = a national service)");
  }
  if (!s.category.empty() &&
      std::find(dir.categories.begin(), dir.categories.end(), s.category) == dir.categories.end()) {
    ctx.error(f.pointer("category"),
              "category " + did_you_mean(s.category, dir.categories) + " is not in \"categories\"");
  }
  dir.services.push_back(std::move(s));
}

std::vector<std::string> tag_names(const LoadState& st) {
  std::vector<std::string> names;
  for (const auto& [tag, line] : st.source_tags) names.push_back(tag);
  return names;
}

void check_tags(const std::vector<std::string>& tags, const std::string& pointer, FileContext& ctx,
                const LoadState& st) {
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (st.source_tags.count(tags[i]) != 0) continue;
    const std::string at = pointer + "/" + std::to_string(i);
    if (st.sources_file.empty()) {
      ctx.error(at, "source tag " + in_quotes(tags[i]) +
                        " is unknown: there is no flows/sources.json listing the sources");
    } else {
      ctx.error(at, "source tag " + did_you_mean(tags[i], tag_names(st)) + " is not in " +
                        st.sources_file);
    }
  }
}

}  // namespace

// Provenance of nodes and services (known tags, answers of searchable flows
// sourced), the services nodes' categories, the category labels, and what
// `flows check --review` lists.
void check_directory(FlowSet& set, LoadState& st) {
  const ServiceDirectory& dir = set.directory;
  for (const auto& [id, flow] : set.flows) {
    FileContext& ctx = st.flow_files.at(id);
    for (const auto& node : flow.nodes) {
      check_tags(node.sources, node.pointer + "/sources", ctx, st);
      // Every answer free-text search may offer traces to a source.
      if (flow.searchable && node.kind == NodeKind::say &&
          (node.sources.empty() || node.reviewed.empty())) {
        ctx.error(node.pointer + "/id", "say node " + in_quotes(node.id) +
                                            " of a searchable flow needs \"sources\" and "
                                            "\"reviewed\": every answer traces to a source");
      }
      if (!node.verify.empty()) {
        st.review.push_back(ReviewItem{ctx.file, node.line, flow.id + "/" + node.id, node.verify,
                                       node.sources, node.reviewed});
      }
      const auto* services = std::get_if<ServicesNode>(&node.body);
      if (services == nullptr) continue;
      if (!dir.present) {
        ctx.error(node.pointer + "/kind",
                  "a services node needs flows/services.json (the services directory)");
        continue;
      }
      for (std::size_t i = 0; i < services->categories.size(); ++i) {
        const std::string& c = services->categories[i];
        if (std::find(dir.categories.begin(), dir.categories.end(), c) != dir.categories.end()) {
          continue;
        }
        ctx.error(node.pointer + "/categories/" + std::to_string(i),
                  "category " + did_you_mean(c, dir.categories) + " is not in " + st.services.file);
      }
    }
  }
  if (!dir.present) return;
  FileContext& ctx = st.services;
  for (std::size_t i = 0; i < dir.categories.size(); ++i) {
    const std::string key = "services.category." + dir.categories[i];
    const CatalogKey* entry = set.key(key);
    if (set.languages.empty() || (entry != nullptr && entry->own[set.default_lang] != nullptr)) {
      continue;
    }
    ctx.error("/categories/" + std::to_string(i),
              "no text " + in_quotes(key) + " (the category's label) in the default language (" +
                  set.languages[set.default_lang].code + ")");
  }
  for (std::size_t i = 0; i < dir.services.size(); ++i) {
    const Service& s = dir.services[i];
    const std::string pointer = "/services/" + std::to_string(i);
    check_tags(s.sources, pointer + "/sources", ctx, st);
    for (std::size_t k = 0; k < s.languages.size(); ++k) {
      if (set.language_index(s.languages[k]) >= 0 || set.languages.empty()) continue;
      ctx.warning(pointer + "/languages/" + std::to_string(k),
                  "language " + in_quotes(s.languages[k]) +
                      " is not in locales/languages.json: shown as written");
    }
    if (s.example) {
      st.review.push_back(ReviewItem{ctx.file, s.line, "service " + s.id,
                                     "an example entry: complete and check it", s.sources,
                                     s.reviewed});
    }
  }
}

void load_sources(const std::filesystem::path& flows_dir, LoadState& st) {
  const auto path = flows_dir / "sources.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  FileContext ctx = st.context();
  const auto doc = read_json_file(path, shown_path(flows_dir, "sources.json"), ctx);
  st.sources_file = ctx.file;
  if (!doc) return;
  Fields f(ctx, *doc, "");
  read_spec(f);
  if (const nlohmann::json* sources = f.object("sources", Need::required)) {
    for (const auto& [tag, entry] : sources->items()) {
      const std::string pointer = f.pointer("sources") + "/" + pointer_token(tag);
      if (!is_source_tag(tag)) {
        ctx.error(pointer, "source tag " + in_quotes(tag) +
                               " must be capital letters, digits and - (e.g. \"POSTE\")");
      }
      Fields e(ctx, entry, pointer);
      e.string("source", Need::required);
      e.string("date", Need::optional);
      e.finish();
      st.source_tags.emplace(tag, ctx.positions.at(pointer).line);
    }
  }
  f.finish();
}

void load_services(const std::filesystem::path& flows_dir, FlowSet& set, LoadState& st) {
  const auto path = flows_dir / "services.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  st.services = st.context();
  FileContext& ctx = st.services;
  const auto doc = read_json_file(path, shown_path(flows_dir, "services.json"), ctx);
  ServiceDirectory& dir = set.directory;
  dir.present = true;
  if (!doc) return;
  Fields f(ctx, *doc, "");
  read_spec(f);
  read_categories(f, dir);
  read_municipalities(f, dir);
  if (const nlohmann::json* services = f.array("services", Need::required)) {
    for (std::size_t i = 0; i < services->size(); ++i) {
      read_service(ctx, (*services)[i], "/services/" + std::to_string(i), dir);
    }
  }
  f.finish();
}

}  // namespace ponte::engine
