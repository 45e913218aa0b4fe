#include "daemon/cli/man_page.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace distsync {
namespace {

bool visible(const CLI::Option* o) { return !o->get_group().empty(); }
bool visible(const CLI::App* a) { return !a->get_group().empty(); }

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// "distsync: control a distsyncd console" -> "control a distsyncd console"
std::string summary_of(const CLI::App& app, std::string_view program) {
  std::string d = app.get_description();
  std::string prefix = std::string(program) + ": ";
  if (d.rfind(prefix, 0) == 0) d = d.substr(prefix.size());
  return d;
}

// "--data-dir TEXT", "-n, --next INT", "SERVER" for a positional.
std::string option_label(const CLI::Option* o) {
  std::string names;
  if (o->get_positional() && !o->nonpositional()) {
    return "\\fI" + roff_escape(upper(o->get_name())) + "\\fR";
  }
  for (const std::string& s : o->get_snames()) {
    if (!names.empty()) names += ", ";
    names += "\\fB" + roff_escape("-" + s) + "\\fR";
  }
  for (const std::string& l : o->get_lnames()) {
    if (!names.empty()) names += ", ";
    names += "\\fB" + roff_escape("--" + l) + "\\fR";
  }
  if (o->get_expected_max() > 0) {  // flags expect 0 values
    std::string type = o->get_type_name();
    if (type.empty()) type = "VALUE";
    names += " \\fI" + roff_escape(type) + "\\fR";
  }
  return names;
}

void write_options(const CLI::App& app, std::ostream& out) {
  for (const CLI::Option* o : app.get_options()) {
    if (!visible(o)) continue;
    out << ".TP\n" << option_label(o) << "\n";
    std::string d = o->get_description();
    out << (d.empty() ? std::string("(no description)") : roff_escape(d)) << "\n";
  }
}

void write_commands(const CLI::App& app, const std::string& path, std::ostream& out) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* a) { return visible(a); })) {
    std::string name = path + " " + sub->get_name();
    out << ".SS \"" << roff_escape(name) << "\"\n";
    std::string d = sub->get_description();
    if (!d.empty()) out << roff_escape(d) << "\n";
    write_options(*sub, out);
    write_commands(*sub, name, out);
  }
}

}  // namespace

std::string roff_escape(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

void write_man_page(const CLI::App& app, std::string_view program, std::string_view version,
                    std::ostream& out) {
  bool has_commands =
      !app.get_subcommands([](const CLI::App* a) { return visible(a); }).empty();
  std::string prog = roff_escape(program);
  out << ".\\\" Generated from the command tree of " << prog << " at build time.\n";
  out << ".TH \"" << roff_escape(upper(program)) << "\" \"1\" \"\" \"distsync "
      << roff_escape(version) << "\" \"distsync manual\"\n";
  out << ".SH NAME\n" << prog << " \\- " << roff_escape(summary_of(app, program)) << "\n";
  out << ".SH SYNOPSIS\n.B " << prog << "\n[\\fIOPTIONS\\fR]"
      << (has_commands ? " \\fICOMMAND\\fR [\\fIARGS\\fR]" : "") << "\n";
  out << ".SH DESCRIPTION\n"
      << "\\fB" << prog << "\\fR: " << roff_escape(summary_of(app, program)) << ".\n"
      << "Configuration comes from embedded defaults, then an optional TOML file\n"
      << "(\\fB\\-\\-config\\fR or \\fBDISTSYNC_CONFIG\\fR; an installed client without\n"
      << "\\fB\\-\\-data\\-dir\\fR reads the installed one), then flags.\n";
  std::string footer = app.get_footer();
  if (!footer.empty()) out << ".PP\n" << roff_escape(footer) << "\n";
  out << ".SH OPTIONS\n";
  write_options(app, out);
  if (has_commands) {
    out << ".SH COMMANDS\n";
    write_commands(app, prog, out);
  }
  out << ".SH EXIT STATUS\n"
      << ".TP\n0\nsuccess\n.TP\n1\nfailure; one line on stderr names the cause\n"
      << ".TP\n2\nusage error\n";
  out << ".SH ENVIRONMENT\n.TP\n.B DISTSYNC_CONFIG\nthe TOML config file when "
      << "\\fB\\-\\-config\\fR is not given\n"
      << ".TP\n.B JOURNAL_STREAM\nset by systemd: \\fBdistsyncd\\fR then logs without its own "
      << "timestamps\n";
  out << ".SH FILES\n.TP\n.I /etc/distsync/distsync.toml\nthe service's config file, read by "
      << "the installed clients when neither \\fB\\-\\-config\\fR nor \\fBDISTSYNC_CONFIG\\fR "
      << "names one\n"
      << ".TP\n.I /var/lib/distsync\nthe service's data dir (event log, caches)\n"
      << ".TP\n.I /run/distsync\nthe service's lock files and control and bus sockets\n";
  out << ".SH SEE ALSO\n";
  const char* tools[] = {"distsyncd", "distsync", "distsync-admin", "distsync-worker"};
  for (const char* t : tools) {
    if (program != t) out << ".BR " << roff_escape(t) << " (1),\n";
  }
  out << ".BR systemd.service (5)\n";
}

}  // namespace distsync
