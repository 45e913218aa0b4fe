#include "daemon/cli/bash_completion.h"

#include <string>
#include <vector>

namespace distsync {
namespace {

bool visible(const CLI::Option* o) { return !o->get_group().empty(); }
bool visible(const CLI::App* a) { return !a->get_group().empty(); }

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// One `case` arm per command: its subcommands, its options, and those that take a value.
// Names come from CLI11, which only accepts [A-Za-z0-9_.-] in them, so they need no quoting.
void write_arms(const CLI::App& app, const std::string& path, std::ostream& out) {
  std::vector<std::string> subs, opts, valued;
  auto children = app.get_subcommands([](const CLI::App* a) { return visible(a); });
  for (const CLI::App* sub : children) subs.push_back(sub->get_name());
  for (const CLI::Option* o : app.get_options()) {
    if (!visible(o) || !o->nonpositional()) continue;
    std::vector<std::string> names;
    for (const std::string& s : o->get_snames()) names.push_back("-" + s);
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    opts.insert(opts.end(), names.begin(), names.end());
    if (o->get_expected_max() > 0) valued.insert(valued.end(), names.begin(), names.end());
  }
  out << "    \"" << path << "\") subs=\"" << join(subs) << "\"; opts=\"" << join(opts)
      << "\"; valued=\"" << join(valued) << "\" ;;\n";
  for (const CLI::App* sub : children) write_arms(*sub, path + "/" + sub->get_name(), out);
}

}  // namespace

void write_bash_completion(const CLI::App& app, std::string_view program, std::ostream& out) {
  std::string fn = "_" + std::string(program);
  for (char& c : fn) {
    if (c == '-' || c == '.') c = '_';
  }
  out << "# bash completion for " << program << ", generated from its command tree at build"
      << " time.\n";
  out << fn << "_tree() {\n  case $1 in\n";
  write_arms(app, "", out);
  out << "    *) subs=\"\"; opts=\"\"; valued=\"\" ;;\n  esac\n}\n\n";
  out << fn << "() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=\"\" path=\"\" i w subs opts valued\n"
      << "  (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      << "  for (( i = 1; i < COMP_CWORD; i++ )); do\n"
      << "    w=${COMP_WORDS[i]}\n"
      << "    " << fn << "_tree \"$path\"\n"
      << "    case \" $subs \" in *\" $w \"*) path=\"$path/$w\" ;; esac\n"
      << "  done\n"
      << "  " << fn << "_tree \"$path\"\n"
      << "  if [[ -n $prev && \" $valued \" == *\" $prev \"* ]]; then\n"
      << "    COMPREPLY=( $(compgen -f -- \"$cur\") )\n"
      << "  elif [[ $cur == -* ]]; then\n"
      << "    COMPREPLY=( $(compgen -W \"$opts\" -- \"$cur\") )\n"
      << "  else\n"
      << "    COMPREPLY=( $(compgen -W \"$subs\" -- \"$cur\") )\n"
      << "  fi\n"
      << "  return 0\n"
      << "}\n"
      << "complete -F " << fn << " " << program << "\n";
}

}  // namespace distsync
