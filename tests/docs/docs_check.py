# SPDX-License-Identifier: MIT
"""docs_check.py: the docs against the tree, so that they cannot drift
silently. Run by docs-tests.sh from the top of the tree.

1. Every message docs/errors.md lists (the code spans in the first column
   of its tables) is in the code: its fixed text, the parts between the
   placeholders, each appears in a string literal of boot/, efi/, core/,
   common/, drivers/ or mkdisk/. errors.md's own rule says what a
   placeholder is: an upper-case word (PATH, N, 0xDD, X.YY) or "...".
   Messages are `module: what failed: detail`, and the module and the
   detail are often printed by different calls, so the fixed text is
   also cut at ": ".
2. Every path of the tree that README.md and docs/*.md cite exists
   (boot/stage2/disk.c, efi/linux.c:135; a bare file name such as
   console.c must exist somewhere in the tree).
3. Every Markdown file that a file of the tree names exists.
4. Every function that README.md and docs/boot-protocol.md cite as
   `name()` or `name(args)` is defined in the tree: a C definition (the
   name at the start of a declaration that does not end in ";") or an
   assembly label.

Prints `PASS: docs: ...` or `FAIL: docs: ...: why` for each.
"""
import glob
import os
import re
import sys

SOURCE_DIRS = ("boot", "efi", "core", "common", "drivers", "mkdisk")
TREE_DIRS = SOURCE_DIRS + ("tests", "linker", "docs", ".ci")
SOURCE_EXTS = (".c", ".h", ".asm", ".S", ".inc")
# Functions the docs name that belong to the Linux kernel, not to bzboot.
KERNEL_FUNCTIONS = {"start_kernel", "startup_64"}
# Paths of the Linux kernel's tree that look like ours (drivers/).
KERNEL_PATHS = {"drivers/firmware/efi/libstub"}

passed = failed = 0


def result(ok, name, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS: docs: %s" % name)
    else:
        failed += 1
        print("FAIL: docs: %s: %s" % (name, why))


def sources(dirs, exts):
    for d in dirs:
        for path in sorted(glob.glob(d + "/**/*", recursive=True)):
            if path.endswith(exts) and os.path.isfile(path):
                yield path


# C escapes that messages use; the rest stay as they are.
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'"}
LITERAL = r'L?"((?:[^"\\\n]|\\.)*)"'


def unescape(s):
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), s)


def string_literals(path, defines):
    """The strings of a source file; adjacent C literals are joined, as
    the compiler joins them, a macro defined as a string is replaced by
    it, and STR(NAME) becomes the value NAME is defined to. nasm's '...'
    and "..." strings too."""
    text = open(path, encoding="utf-8", errors="replace").read()
    if path.endswith((".asm", ".inc")):
        text = re.sub(r";.*", "", text)
        return [m.group(2) for m in re.finditer(r"(['\"`])(.*?)\1", text)]
    text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    text = re.sub(r"\bX?STR\((\w+)\)",
                  lambda m: '"%s"' % defines.get(m.group(1), m.group(1)),
                  text)
    text = re.sub(r"(?<!#define )\b([A-Z][A-Z0-9_]*)\b",
                  lambda m: defines.get(m.group(1), m.group(1))
                  if defines.get(m.group(1), "").startswith('"')
                  else m.group(1), text)
    joined = r"%s(?:\s*%s)*" % (LITERAL, LITERAL)
    return [unescape("".join(re.findall(LITERAL, m.group(0))))
            for m in re.finditer(joined, text)]


# A printf conversion: the value it prints can be anything.
CONVERSION = re.compile(r"%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
                        r"(?:hh|h|ll|l|z|j|t|L)?[diouxXcspa]")


def rendering_pattern(literal):
    """A regex that matches any piece of any text the format literal can
    print: a suffix of one fixed part, the parts after it with a word
    (a group) where a conversion is, and a prefix of a later part."""
    parts = [p.replace("%%", "%") for p in CONVERSION.split(literal)]

    def suffix(p):
        return "(?:%s)" % "|".join(re.escape(p[k:])
                                   for k in range(len(p) + 1))

    def prefix(p):
        return "(?:%s)" % "|".join(re.escape(p[:k])
                                   for k in range(len(p), -1, -1))

    def chain(j):
        if j == len(parts) - 1:
            return prefix(parts[j])
        return "(?:%s(?:(\\S*?)%s)?|%s)" % (re.escape(parts[j]), chain(j + 1),
                                       prefix(parts[j]))

    return re.compile("|".join("%s(?:(\\S*?)%s)?" % (suffix(parts[i]),
                                                 chain(i + 1))
                               for i in range(len(parts) - 1)), re.S)


def in_code(fragment, corpus, formats, known):
    """Is the fragment in a literal, or in what a format literal prints?
    Most of it must be the format's own text: what stands where a
    conversion is counts only when it is not a number and not a string
    of the code (the words a %s is given)."""
    if fragment in corpus:
        return True
    for pattern in formats:
        m = pattern.fullmatch(fragment)
        if not m:
            continue
        free = sum(len(g) for g in m.groups()
                   if g and g not in known and
                   not re.fullmatch(r"(?:0x)?[0-9a-fA-F.]+", g))
        if 2 * free <= len(fragment):
            return True
    return False


# errors.md: "Upper-case words in the messages below (PATH, N, NAME)
# stand for the values the real message shows"; "..." stands for the rest.
PLACEHOLDER = re.compile(r"(?<![\w.])(?:0x)?[A-Z][A-Z0-9_]*(?:\.[A-Z]+)?"
                         r"(?![\w])|\.\.\.")


def fragments(message):
    """The fixed text of a message: the pieces between placeholders, cut
    at ": ", ". " and before " (", without those too short to mean
    anything."""
    out = []
    for piece in PLACEHOLDER.split(message):
        for part in re.split(r": |\. | (?=\()", piece):
            part = part.strip(" ,;:")
            if len(re.sub(r"[^a-z]", "", part)) >= 3:
                out.append(part)
    return out


def error_messages(path):
    """The code spans of the first column of each table row."""
    out = []
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cell = line.split("|")[1]
        for m in re.finditer(r"``(.+?)``|`([^`]+)`", cell):
            out.append((number, m.group(1) or m.group(2)))
    return out


def check_messages():
    paths = list(sources(SOURCE_DIRS, SOURCE_EXTS))
    defines = {}
    for path in paths:
        text = open(path, encoding="utf-8", errors="replace").read()
        defines.update(re.findall(r'^#define\s+(\w+)[ \t]+(\w+|"[^"\n]*")',
                                  text, re.M))
    literals = [s for p in paths for s in string_literals(p, defines)]
    corpus = "\n".join(literals)
    formats = [rendering_pattern(s) for s in literals
               if CONVERSION.search(s)]
    known = set(literals)
    for number, message in error_messages("docs/errors.md"):
        missing = [f for f in fragments(message)
                   if not in_code(f, corpus, formats, known)]
        result(not missing, "errors.md:%d `%s`" % (number, message),
               "not in any string of %s: %s" %
               ("/, ".join(SOURCE_DIRS) + "/",
                "; ".join('"%s"' % f for f in missing)))


PATH = re.compile(r"(?<![\w/.~-])((?:%s)/[\w./-]*\w)(?::\d+)?" %
                  "|".join(re.escape(d) for d in TREE_DIRS))
BARE_FILE = re.compile(r"(?<![\w/.~-])([\w-]+\.(?:c|h|asm|S|mk|ld|gdb|py))"
                       r"(?![\w/])")


def check_paths():
    names = {os.path.basename(p) for p in
             sources(TREE_DIRS, (".c", ".h", ".asm", ".S", ".mk", ".ld",
                                 ".gdb", ".py"))}
    seen = set()
    for doc in ["README.md"] + sorted(glob.glob("docs/*.md")):
        text = open(doc, encoding="utf-8").read()
        for m in PATH.finditer(text):
            path = m.group(1)
            if (doc, path) in seen or path in KERNEL_PATHS:
                continue
            seen.add((doc, path))
            result(os.path.exists(path), "%s cites %s" % (doc, path),
                   "no such file or directory in the tree")
        for m in BARE_FILE.finditer(text):
            name = m.group(1)
            if (doc, name) in seen or "/" in name:
                continue
            seen.add((doc, name))
            result(name in names, "%s cites %s" % (doc, name),
                   "no file of that name in the tree")


def check_md_citations():
    """A Markdown file that a source, test or doc names must be in the
    tree: the project's docs stand alone."""
    names = {os.path.basename(p) for p in
             glob.glob("**/*.md", recursive=True)
             if not p.startswith("build/")}
    for path in ["README.md", "Makefile"] + list(
            sources(TREE_DIRS, (".c", ".h", ".asm", ".S", ".mk", ".sh",
                                ".py", ".gdb", ".md", ".expect",
                                ".expected", ".ld"))):
        text = open(path, encoding="utf-8", errors="replace").read()
        for name in sorted(set(re.findall(r"(?<![\w.-])([\w-]+\.md)\b",
                                          text))):
            result(name in names, "%s cites %s" % (path, name),
                   "no file of that name in the tree")


def defined(name, files):
    c_def = re.compile(r"^[A-Za-z_][\w \t*]*\b%s\s*\([^;]*$" % name, re.M)
    asm_label = re.compile(r"^\s*(?:global\s+)?%s:" % name, re.M)
    for path, text in files:
        pattern = asm_label if path.endswith((".asm", ".S")) else c_def
        if pattern.search(text):
            return path
    return None


def check_functions():
    files = [(p, open(p, encoding="utf-8", errors="replace").read())
             for p in sources(SOURCE_DIRS + ("tests",), SOURCE_EXTS)]
    seen = set()
    for doc in ("README.md", "docs/boot-protocol.md"):
        text = open(doc, encoding="utf-8").read()
        for m in re.finditer(r"`([a-z_][a-z0-9_]*)\([^`]*\)`", text):
            name = m.group(1)
            if name in KERNEL_FUNCTIONS or (doc, name) in seen:
                continue
            seen.add((doc, name))
            result(defined(name, files), "%s cites %s()" % (doc, name),
                   "no definition in the tree")


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "..", ".."))
    check_messages()
    check_paths()
    check_functions()
    check_md_citations()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
