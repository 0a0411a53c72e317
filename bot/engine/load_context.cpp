// Load-time reading helpers (see load_context.hpp).
#include "bot/engine/load_context.hpp"

#include "bot/engine/answer_check.hpp"
#include "bot/engine/text_match.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ponte::engine {

void FileContext::report(Problem::Severity severity, const std::string& pointer,
                         std::string message) {
  const TextPos pos = positions.at(pointer);
  problems->push_back(Problem{severity, file, pos.line, pos.column, pointer, std::move(message)});
}

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path,
                                             const std::string& shown, FileContext& ctx) {
  ctx.file = shown;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ctx.problems->push_back(
        Problem{Problem::Severity::error, shown, 0, 0, "", "cannot read the file"});
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (ctx.digest != nullptr) {
    for (const std::string_view part : {std::string_view(shown), std::string_view(text)}) {
      for (const char c : part) {
        *ctx.digest = (*ctx.digest ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
      }
      *ctx.digest = (*ctx.digest ^ 0xFFU) * 0x100000001b3ULL;
    }
  }
  try {
    nlohmann::json doc = nlohmann::json::parse(text);
    ctx.positions = JsonPositions(text);
    for (const auto& dup : ctx.positions.duplicate_keys()) {
      ctx.error(dup, "key written twice; only the last one would count");
    }
    return doc;
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the character where the parser gave up.
    const TextPos pos = position_of_offset(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    if (const auto cut = what.find("syntax error"); cut != std::string::npos) {
      what = what.substr(cut);
    }
    ctx.problems->push_back(Problem{Problem::Severity::error, shown, pos.line, pos.column, "",
                                    "invalid JSON: " + what});
    return std::nullopt;
  }
}

Fields::Fields(FileContext& ctx, const nlohmann::json& obj, std::string pointer)
    : ctx_(ctx), obj_(obj), pointer_(std::move(pointer)) {
  if (!obj_.is_object()) ctx_.error(pointer_, "expected an object {...}");
}

std::string Fields::pointer(std::string_view key) const {
  return pointer_ + "/" + pointer_token(key);
}

const nlohmann::json* Fields::get(std::string_view key, Need need) {
  known_.emplace_back(key);
  if (!obj_.is_object()) return nullptr;
  const auto it = obj_.find(key);
  if (it == obj_.end()) {
    if (need == Need::required) ctx_.error(pointer_, "missing " + in_quotes(key));
    return nullptr;
  }
  return &*it;
}

std::string Fields::string(std::string_view key, Need need) {
  const nlohmann::json* v = get(key, need);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    ctx_.error(pointer(key), "expected a string, found " + std::string(v->type_name()));
    return {};
  }
  if (need == Need::required && v->get_ref<const std::string&>().empty()) {
    ctx_.error(pointer(key), in_quotes(key) + " must not be empty");
  }
  return v->get<std::string>();
}

std::optional<int> Fields::integer(std::string_view key, Need need) {
  const nlohmann::json* v = get(key, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer() || v->get<long long>() < 0 || v->get<long long>() > 1'000'000) {
    ctx_.error(pointer(key), "expected a whole number from 0 to 1000000");
    return std::nullopt;
  }
  return v->get<int>();
}

std::optional<bool> Fields::boolean(std::string_view key, Need need) {
  const nlohmann::json* v = get(key, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    ctx_.error(pointer(key), "expected true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

const nlohmann::json* Fields::object(std::string_view key, Need need) {
  const nlohmann::json* v = get(key, need);
  if (v != nullptr && !v->is_object()) {
    ctx_.error(pointer(key), "expected an object {...}, found " + std::string(v->type_name()));
    return nullptr;
  }
  return v;
}

const nlohmann::json* Fields::array(std::string_view key, Need need) {
  const nlohmann::json* v = get(key, need);
  if (v != nullptr && !v->is_array()) {
    ctx_.error(pointer(key), "expected an array [...], found " + std::string(v->type_name()));
    return nullptr;
  }
  return v;
}

void Fields::finish() {
  if (!obj_.is_object()) return;
  for (const auto& [key, value] : obj_.items()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    ctx_.error(pointer(key), "unknown key " + did_you_mean(key, known_));
  }
}

Assignments read_assignments(Fields& f, Node& node) {
  Assignments out;
  auto read = [&](std::string_view group,
                  std::vector<std::pair<std::string, std::string>>& target) {
    const nlohmann::json* obj = f.object(group, Need::optional);
    if (obj == nullptr) return;
    for (const auto& [name, value] : obj->items()) {
      const std::string pointer = f.pointer(group) + "/" + pointer_token(name);
      if (!value.is_string()) {
        f.ctx().error(pointer, "expected a string value");
        continue;
      }
      if (group == "contact" && name == "language") {
        node.refs.push_back(Ref{Ref::Kind::language, value.get<std::string>(), pointer});
      }
      node.refs.push_back(Ref{Ref::Kind::writes, std::string(group) + "." + name, pointer});
      target.emplace_back(name, value.get<std::string>());
    }
  };
  read("contact", out.contact);
  read("vars", out.vars);
  return out;
}

bool is_source_tag(std::string_view tag) {
  auto letter_or_digit = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  return !tag.empty() && letter_or_digit(tag.front()) &&
         std::all_of(tag.begin(), tag.end(),
                     [&](char c) { return letter_or_digit(c) || c == '-'; });
}

std::vector<std::string> read_source_tags(FileContext& ctx, const nlohmann::json& list,
                                          const std::string& pointer) {
  std::vector<std::string> tags;
  if (list.empty()) {
    ctx.error(pointer, "name at least one source tag (flows/sources.json), or remove \"sources\"");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = pointer + "/" + std::to_string(i);
    const std::string tag = list[i].is_string() ? list[i].get<std::string>() : std::string();
    if (!is_source_tag(tag)) {
      ctx.error(at, "source tag " + (list[i].is_string() ? in_quotes(tag) : list[i].dump()) +
                        " must be capital letters, digits and - (e.g. \"POSTE\", \"AIDA-REC\")");
      continue;
    }
    if (std::find(tags.begin(), tags.end(), tag) != tags.end()) {
      ctx.error(at, "source tag " + in_quotes(tag) + " is written twice");
      continue;
    }
    tags.push_back(tag);
  }
  return tags;
}

void check_review_date(FileContext& ctx, const std::string& date, const std::string& pointer) {
  const auto parsed = parse_date(date, DateOrder::dmy);
  if (date.size() != 10 || !parsed || *parsed != date) {
    ctx.error(pointer, "reviewed " + in_quotes(date) + " is not a real date written YYYY-MM-DD");
  }
}

std::string in_quotes(std::string_view s) {
  std::string out = "\"";
  out.append(s).append("\"");
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string out = in_quotes(word);
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (best == nullptr || d < best_distance) {
      best = &c;
      best_distance = d;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best != nullptr && best_distance > 0 && best_distance <= limit) {
    out += " (did you mean " + in_quotes(*best) + "?)";
  }
  return out;
}

}  // namespace ponte::engine
