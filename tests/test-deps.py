#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Which programs do the test scripts run that tests/setup.sh does not install?

A fresh Debian 12 machine has what setup.sh's packages=( ... ) installs, their
dependencies, and the packages of priority "required".  A program a test runs
that comes from any other package is there only because someone installed it
by hand, and the suite fails (or skips) on a fresh machine.

How: each script under tests/ and .ci/ is read as the shell reads it (quotes,
comments, here-documents, $( ), backquotes), and every word in command
position is taken: the first word of a command (after assignments and
redirections), after a reserved word (if, then, do, ...), and the command a
wrapper runs (timeout 5 nc ..., env -i X=1 prog, command -v nc, nsenter ... --
prog, and the suite's own check/lv_wait/lv_exec/as_root).  Python and awk
programs inside a script are not shell and are left out.  A word that names
a shell function of the scanned scripts, a builtin or a file of the project is
no program.  Every other word found on PATH is looked up with dpkg -S.

usage: test-deps.py PROJECT_DIR     (exit 1 and one line per missing program)
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

# Words after which the next word is a command again.
RESERVED = {"if", "then", "else", "elif", "do", "while", "until", "!", "{",
            "time", "function"}
# Wrappers: name -> (options that take an argument, plain words to skip
# before the command).  The command follows the options (or "--").
WRAPPERS = {
    "exec": (set(), 0), "command": (set(), 0), "nice": ({"-n"}, 0),
    "nohup": (set(), 0), "setsid": (set(), 0), "xargs": ({"-n", "-I", "-P", "-d"}, 0),
    "sudo": ({"-u", "-g"}, 0), "env": ({"-u", "-C", "-S"}, 0),
    "timeout": ({"-s", "-k", "--signal", "--kill-after"}, 1),
    "flock": ({"-w", "-E", "-c"}, 1), "stdbuf": ({"-i", "-o", "-e"}, 0),
    "nsenter": ({"-t", "--target", "-S", "-G", "-m", "-u", "-i", "-n", "-p", "-U"}, 0),
    "unshare": (set(), 0), "chroot": (set(), 1),
    # the suite's own functions that run their arguments as a command
    "check": (set(), 1), "lv_wait": (set(), 1), "lv_exec": (set(), 0),
    "as_root": (set(), 0),
}
# nsenter's namespace flags take an optional argument only as -mFILE; a
# separate word after -m is the next option or the command.
NSENTER_FLAGS = {"-m", "-u", "-i", "-n", "-p", "-U"}
SEPARATORS = {"\n", ";", "&", "|", "&&", "||", ";;", ";&", ";;&", "(", ")",
              "`", "|&"}
REDIRECT = re.compile(r"^[0-9]*(<|>|<<<|>>|<>|>&|<&|&>|&>>|>\|)$")
HEREDOC = re.compile(r"(?<!<)<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
# shlex joins neighbouring punctuation (")|", ";;&"): split it into operators
OPERATORS = sorted([";;&", ";;", ";&", "&&", "||", "|&", "<<<", "<<-", "<<",
                    ">>", ">&", "<&", "&>>", "&>", ">|", "<>", ";", "&", "|",
                    "(", ")", "<", ">"], key=len, reverse=True)
PUNCT = set(";&|()<>")
FUNCDEF = re.compile(r"^\s*(?:function\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*\(\)", re.M)
NOT_SHELL = re.compile(r"python|\$py\b|\"\$py\"|\bawk\b|PYEOF")


def strip_comments(text):
    """The script without its comments, quotes and here-documents kept."""
    out, i, n, quote = [], 0, len(text), None
    while i < n:
        c = text[i]
        if quote:
            out.append(c)
            if c == "\\" and quote == '"' and i + 1 < n:
                out.append(text[i + 1])
                i += 1
            elif c == quote:
                quote = None
        elif c == "\\" and i + 1 < n:
            out.append(c + text[i + 1])
            i += 1
        elif c in "'\"":
            quote = c
            out.append(c)
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n;|&()"):
            while i < n and text[i] != "\n":
                i += 1
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def split_heredocs(text):
    """(the script without here-document bodies, [bodies that are shell])."""
    lines, keep, shell_bodies, i = text.split("\n"), [], [], 0
    while i < len(lines):
        line = lines[i]
        keep.append(line)
        i += 1
        for m in HEREDOC.finditer(line):
            dash, word, body = m.group(1), m.group(3), []
            while i < len(lines):
                end = lines[i].lstrip("\t") if dash else lines[i]
                i += 1
                if end == word:
                    break
                body.append(lines[i - 1])
            keep.extend([""] * (len(body) + 1))
            if not NOT_SHELL.search(line):
                shell_bodies.append("\n".join(body))
    return "\n".join(keep), shell_bodies


def operators(toks):
    """Tokens with runs of punctuation split into shell operators."""
    out = []
    for t in toks:
        if not t or not set(t) <= PUNCT:
            out.append(t)
            continue
        while t:
            op = next(o for o in OPERATORS if t.startswith(o))
            out.append(op)
            t = t[len(op):]
    return out


def tokens(text):
    return operators(raw_tokens(text))


def raw_tokens(text):
    lex = shlex.shlex(text, posix=True, punctuation_chars=";&|()<>")
    lex.whitespace = " \t\r"
    lex.commenters = ""
    lex.wordchars += "$`{}[]!:,%@+^="
    try:
        return list(lex)
    except ValueError:          # unbalanced quotes: line by line
        out = []
        for line in text.split("\n"):
            try:
                out.extend(tokens_line(line))
            except ValueError:
                pass
            out.append("\n")
        return out


def tokens_line(line):
    lex = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lex.commenters = ""
    lex.wordchars += "$`{}[]!:,%@+^="
    return list(lex)


def command_words(text):
    """Yield (word, line number) of every word in command position."""
    body, heredocs = split_heredocs(strip_comments(text))
    for doc in heredocs:
        yield from command_words(doc)
    toks = tokens(body)
    line, at_cmd, i, case_depth, in_pattern = 1, True, 0, 0, False
    while i < len(toks):
        t = toks[i]
        i += 1
        if t == "\n":
            line += 1
        if in_pattern:                  # case patterns up to ")"
            if t == ")":
                in_pattern, at_cmd = False, True
            elif t == "esac":
                in_pattern, case_depth = False, max(0, case_depth - 1)
            continue
        if t in SEPARATORS:
            at_cmd = True
            if t in (";;", ";&", ";;&") and case_depth:
                in_pattern = True
            continue
        # backquotes inside a word: `cmd` starts a command
        for sub in re.findall(r"`\s*([A-Za-z_][A-Za-z0-9_.+-]*)", t):
            yield sub, line
        for sub in re.findall(r"\$\(\s*([A-Za-z_][A-Za-z0-9_.+-]*)", t):
            yield sub, line
        line += t.count("\n")
        if not at_cmd:
            continue
        if REDIRECT.match(t):           # a redirection and its file
            i += 1
            continue
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=", t):
            if t.endswith("=") and i < len(toks) and toks[i] == "(":
                while i < len(toks) and toks[i] != ")":     # an array
                    line += toks[i] == "\n"
                    i += 1
                i += 1
            continue                    # an assignment
        if t in RESERVED:
            continue
        if t == "case":
            case_depth += 1
            while i < len(toks) and toks[i] != "in":
                i += 1
            i += 1
            in_pattern, at_cmd = True, False
            continue
        if t == "esac":
            case_depth = max(0, case_depth - 1)
            at_cmd = False
            continue
        if t in ("for", "select"):      # for x in WORDS; do
            while i < len(toks) and toks[i] not in (";", "\n", "do"):
                i += 1
            continue
        if t in ("[[", "(("):
            end = "]]" if t == "[[" else "))"
            while i < len(toks) and toks[i] != end:
                i += 1
            at_cmd = False
            continue
        at_cmd = False
        yield t, line
        if t in WRAPPERS:
            i = skip_wrapper(t, toks, i)
            at_cmd = True
        elif t == "eval" or (t in ("sh", "bash") and i + 1 < len(toks) and
                             toks[i] == "-c"):
            # a command line in a string: read it as a script of its own
            i += t != "eval"
            while i < len(toks) and toks[i] not in SEPARATORS:
                for w, _ in command_words(toks[i]):
                    yield w, line
                i += 1


def skip_wrapper(name, toks, i):
    """Index of the command a wrapper runs (after its options and words)."""
    with_arg, words = WRAPPERS[name]
    while i < len(toks):
        t = toks[i]
        if t == "--":
            return i + 1
        if name == "nsenter" and t in NSENTER_FLAGS:
            i += 1
        elif t.startswith("-") and len(t) > 1:
            i += 2 if t in with_arg else 1
        elif name == "env" and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", t):
            i += 1
        elif words > 0:
            words -= 1
            i += 1
        else:
            return i
    return i


def listed_packages(setup):
    """The packages=( ... ) of setup.sh, as bash reads the array."""
    text = open(setup).read()
    m = re.search(r"^packages=\((.*?)^\)", text, re.M | re.S)
    if not m:
        sys.exit("test-deps: no packages=( ... ) in %s" % setup)
    return shlex.split(m.group(1), comments=True)


def closure(pkgs):
    """The listed packages and everything they depend on (installed here)."""
    out = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--installed", "--no-recommends",
         "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
         "--no-enhances"] + pkgs, capture_output=True, text=True).stdout
    names = set()
    for ln in out.split("\n"):
        if ln and not ln.startswith(" "):
            names.add(ln.strip("<>").split(":")[0])
    return names


def candidates(path):
    """PATH, its target, and their /usr-merged twins: where dpkg may know it."""
    out = []
    for p in (path, os.path.realpath(path)):
        for c in (p, p[4:] if p.startswith("/usr/") else "/usr" + p):
            if c not in out:
                out.append(c)
    return out


def packages_of(paths):
    """{path: Debian package} for the paths dpkg knows (one dpkg -S)."""
    r = subprocess.run(["dpkg", "-S"] + paths, capture_output=True, text=True)
    owner = {}
    for ln in r.stdout.split("\n"):
        if ": " in ln and not ln.startswith("diversion"):
            pkg, path = ln.split(": ", 1)
            owner[path] = pkg.split(",")[0].split(":")[0].strip()
    return owner


def required_packages():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Priority}\n"],
                       capture_output=True, text=True)
    return {ln.split()[0] for ln in r.stdout.split("\n")
            if ln.endswith(" required")}


def scripts(top):
    for base in ("tests", ".ci"):
        for d, _, files in os.walk(os.path.join(top, base)):
            for f in sorted(files):
                if f.endswith((".sh", ".bash")) or f == "run":
                    yield os.path.join(d, f)


def main():
    top = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    files = list(scripts(top))
    texts = {f: open(f, errors="replace").read() for f in files}
    functions = set()
    for text in texts.values():
        functions.update(FUNCDEF.findall(text))
    pkgs = listed_packages(os.path.join(top, "tests", "setup.sh"))
    provided = closure(pkgs) | set(pkgs)
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    seen, bad = {}, 0
    for f in files:
        for word, line in command_words(texts[f]):
            if word in seen or word in functions:
                continue
            if not re.match(r"^[A-Za-z][A-Za-z0-9_.+-]*$", word):
                continue
            seen[word] = "%s:%d" % (os.path.relpath(f, top), line)
    exes = {}
    for word in sorted(seen):
        exe = shutil.which(word, path=path)
        if exe is not None and not exe.startswith(top + "/"):
            exes[word] = exe
    owner = packages_of(sorted({c for e in exes.values() for c in candidates(e)}))
    required = required_packages()
    for word, exe in sorted(exes.items()):
        pkg = next((owner[c] for c in candidates(exe) if c in owner), None)
        if pkg is None or pkg in provided or pkg in required:
            continue
        print("tests run '%s' (%s, Debian package %s), which tests/setup.sh "
              "does not install: %s" % (word, exe, pkg, seen[word]))
        bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
