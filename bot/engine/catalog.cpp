// Message catalogs: locales/languages.json names the languages and their
// fallback chains; locales/<lang>/*.json hold ICU MessageFormat texts in
// nested objects, flattened to dotted keys. Every text is compiled here,
// once; texts without arguments are also formatted here, so step() copies a
// string instead of calling ICU. A compiled MessageFormat is used under its
// own mutex: ICU fills plural-rule and number-format caches lazily inside
// its const format(), which is not safe from several threads at once.
#include "bot/engine/loader.hpp"
#include "bot/engine/text_match.hpp"

#include <unicode/messagepattern.h>
#include <unicode/msgfmt.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <mutex>

namespace ponte::engine {

struct CompiledFormat {
  CompiledFormat(const icu::UnicodeString& pattern, const icu::Locale& locale, UParseError& pe,
                 UErrorCode& status)
      : format(pattern, locale, pe, status) {}
  icu::MessageFormat format;
  std::mutex mutex;
};

void CompiledFormatDeleter::operator()(CompiledFormat* f) const noexcept { delete f; }

namespace {

bool valid_code(std::string_view code) {
  return code.size() >= 2 && code.size() <= 3 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::string icu_text(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

void read_languages(const std::filesystem::path& dir, FlowSet& set, LoadState& st) {
  st.languages = st.context();
  FileContext& ctx = st.languages;
  const auto doc = read_json_file(dir / "languages.json", shown_path(dir, "languages.json"), ctx);
  if (!doc) return;
  Fields f(ctx, *doc, "");
  const std::string def = f.string("default", Need::required);
  const nlohmann::json* langs = f.object("languages", Need::required);
  f.finish();
  if (langs == nullptr) return;
  for (const auto& [code, value] : langs->items()) {
    Fields lf(ctx, value, "/languages/" + pointer_token(code));
    LanguageInfo info;
    info.code = code;
    info.name = lf.string("name", Need::required);
    info.rtl = lf.boolean("rtl", Need::optional).value_or(false);
    if (const nlohmann::json* fb = lf.array("fallback", Need::optional)) {
      for (const auto& v : *fb) {
        if (v.is_string()) info.fallback.push_back(v.get<std::string>());
      }
    }
    lf.finish();
    if (!valid_code(code)) {
      ctx.error(lf.pointer(),
                "language code " + in_quotes(code) + " must be 2-3 letters a-z (\"ar\")");
    }
    set.languages.push_back(std::move(info));
  }
  std::vector<std::string> codes;
  for (const auto& l : set.languages) codes.push_back(l.code);
  const int d = set.language_index(def);
  if (d < 0 && !def.empty()) {
    ctx.error("/default",
              "default language " + did_you_mean(def, codes) + " is not in \"languages\"");
  }
  set.default_lang = d < 0 ? 0 : static_cast<std::size_t>(d);
  for (std::size_t i = 0; i < set.languages.size(); ++i) {
    const auto& info = set.languages[i];
    const std::string base = "/languages/" + pointer_token(info.code) + "/fallback/";
    for (std::size_t k = 0; k < info.fallback.size(); ++k) {
      const std::string& fb = info.fallback[k];
      if (set.language_index(fb) < 0) {
        ctx.error(base + std::to_string(k),
                  "fallback " + did_you_mean(fb, codes) + " is not a loaded language");
      } else if (fb == info.code) {
        ctx.error(base + std::to_string(k), "a language cannot fall back to itself");
      }
    }
  }
}

void flatten(FileContext& ctx, const nlohmann::json& j, const std::string& key,
             const std::string& pointer, std::vector<std::pair<std::string, std::string>>& out,
             std::vector<std::string>& pointers) {
  if (j.is_string()) {
    out.emplace_back(key, j.get<std::string>());
    pointers.push_back(pointer);
    return;
  }
  if (!j.is_object()) {
    ctx.error(pointer, "expected a text (string) or an object of texts");
    return;
  }
  for (const auto& [name, value] : j.items()) {
    flatten(ctx, value, key.empty() ? name : key + "." + name, pointer + "/" + pointer_token(name),
            out, pointers);
  }
}

std::unique_ptr<Message> compile(FileContext& ctx, const std::string& pointer,
                                 const std::string& text, const std::string& lang) {
  auto m = compile_message(text, lang);
  if (!m) {
    ctx.error(pointer, m.error().message);
    return nullptr;
  }
  (*m)->file = ctx.file;
  (*m)->line = ctx.positions.at(pointer).line;
  return std::move(*m);
}

void read_language_dir(const std::filesystem::path& dir, std::size_t lang, FlowSet& set,
                       LoadState& st) {
  const std::string& code = set.languages[lang].code;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir / code, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path().filename());
    }
  }
  if (ec) {
    st.languages.error("/languages/" + pointer_token(code),
                       "no folder " + shown_path(dir, code) + " with this language's texts");
    return;
  }
  std::sort(files.begin(), files.end());
  for (const auto& name : files) {
    FileContext ctx = st.context();
    const auto doc = read_json_file(dir / code / name, shown_path(dir / code, name), ctx);
    if (!doc) continue;
    std::vector<std::pair<std::string, std::string>> texts;
    std::vector<std::string> pointers;
    flatten(ctx, *doc, "", "", texts, pointers);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto& entry = set.catalog[texts[i].first];
      entry.own.resize(set.languages.size());
      if (const Message* before = entry.own[lang].get()) {
        ctx.error(pointers[i], "text " + in_quotes(texts[i].first) + " is already written in " +
                                   before->file + ":" + std::to_string(before->line));
        continue;
      }
      entry.own[lang] = compile(ctx, pointers[i], texts[i].second, code);
    }
  }
}

// For each language, which language's text a key shows: its own, then its
// fallback chain, then the default language.
void resolve(FlowSet& set) {
  const std::size_t n = set.languages.size();
  for (auto& [key, entry] : set.catalog) {
    entry.own.resize(n);
    entry.resolved.assign(n, -1);
    entry.normalized.assign(n, {});
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<int> chain{static_cast<int>(i)};
      for (const auto& fb : set.languages[i].fallback) chain.push_back(set.language_index(fb));
      chain.push_back(static_cast<int>(set.default_lang));
      for (const int c : chain) {
        if (c >= 0 && entry.own[static_cast<std::size_t>(c)] != nullptr) {
          entry.resolved[i] = c;
          break;
        }
      }
      if (const Message* m = entry.get(i); m != nullptr && !m->has_args) {
        entry.normalized[i] = normalize(m->static_text);
      }
    }
  }
}

}  // namespace

void load_catalogs(const std::filesystem::path& locales_dir, FlowSet& set, LoadState& st) {
  read_languages(locales_dir, set, st);
  for (std::size_t i = 0; i < set.languages.size(); ++i) read_language_dir(locales_dir, i, set, st);
  resolve(set);
}

Result<std::unique_ptr<Message>> compile_message(const std::string& text, const std::string& lang) {
  auto m = std::make_unique<Message>();
  m->pattern = text;
  const icu::UnicodeString pattern = icu::UnicodeString::fromUTF8(text);
  UParseError pe{};
  UErrorCode status = U_ZERO_ERROR;
  icu::MessagePattern parsed(pattern, &pe, status);
  if (U_FAILURE(status)) {
    return fail(Errc::invalid, std::string("invalid ICU message (") + u_errorName(status) +
                                   ") near character " + std::to_string(pe.offset + 1) +
                                   "; quote a literal { or } with apostrophes: '{'");
  }
  if (parsed.hasNumberedArguments()) {
    return fail(Errc::invalid, "use named arguments like {position}, not numbered ones like {0}");
  }
  m->has_args = parsed.hasNamedArguments();
  m->format.reset(new CompiledFormat(pattern, icu::Locale(lang.c_str()), pe, status));
  if (U_FAILURE(status)) {
    return fail(Errc::invalid, std::string("invalid ICU message (") + u_errorName(status) + ")");
  }
  if (!m->has_args) {
    icu::UnicodeString out;
    m->format->format.format(nullptr, nullptr, 0, out, status);
    if (U_FAILURE(status)) {
      return fail(Errc::invalid,
                  std::string("ICU could not format this text (") + u_errorName(status) + ")");
    }
    m->static_text = icu_text(out);
  }
  return m;
}

std::string format_message(const Message& m, const Args& args) {
  if (!m.has_args || m.format == nullptr) return m.static_text;
  std::vector<icu::UnicodeString> names;
  std::vector<icu::Formattable> values;
  names.reserve(args.size());
  values.reserve(args.size());
  for (const auto& [name, value] : args) {
    names.push_back(icu::UnicodeString::fromUTF8(name));
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
      values.emplace_back(static_cast<int64_t>(*i));
    } else if (const auto* d = std::get_if<double>(&value)) {
      values.emplace_back(*d);
    } else {
      values.emplace_back(icu::UnicodeString::fromUTF8(std::get<std::string>(value)));
    }
  }
  icu::UnicodeString out;
  UErrorCode status = U_ZERO_ERROR;
  {
    const std::lock_guard lock(m.format->mutex);
    m.format->format.format(names.data(), values.data(), static_cast<int32_t>(names.size()), out,
                            status);
  }
  return U_SUCCESS(status) ? icu_text(out) : std::string();
}

}  // namespace ponte::engine
