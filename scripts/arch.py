#!/usr/bin/env python3
"""The shape of the C code: files and their sizes, the longest functions,
and which files call each other round (file-level call cycles).

  scripts/arch.py              a report
  scripts/arch.py --check      exit 1 when a cycle of files exists (ctest)

A file A calls B when A uses a function that B defines and exports (not
static). The parse is textual (the tree is clang-formatted: a definition
starts at column 0 and its body ends at a "}" in column 0), which is all a
map of the code needs.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRS = ["common", "server", "sandbox"]

DEF = re.compile(r"^(?!static\b)(?:[A-Za-z_][\w \*]*?[\s\*])([a-z_]\w*)\(([^;]*)$")
STATIC_DEF = re.compile(r"^static\s+(?:inline\s+)?[\w \*]*?[\s\*]([a-z_]\w*)\(")
ANY_DEF = re.compile(r"^(?:static\s+)?(?:inline\s+)?(?:const\s+)?(?:struct\s+)?[A-Za-z_][\w \*]*?[\s\*]([a-z_]\w*)\(")
CALL = re.compile(r"\b([a-z_]\w*)\s*\(")


def sources():
    for d in DIRS:
        for name in sorted(os.listdir(os.path.join(ROOT, d))):
            if name.endswith(".c"):
                yield f"{d}/{name}"


def strip(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


def functions(lines):
    """(name, first line, length, exported) of each definition."""
    out = []
    i = 0
    while i < len(lines):
        m = ANY_DEF.match(lines[i])
        if m and not lines[i].rstrip().endswith(";"):
            j = i
            while j < len(lines) and lines[j] != "{" and not lines[j].rstrip().endswith("{"):
                if lines[j].rstrip().endswith(";"):
                    break
                j += 1
            if j < len(lines) and (lines[j] == "{" or lines[j].rstrip().endswith("{")):
                k = j + 1
                while k < len(lines) and lines[k] != "}":
                    k += 1
                out.append((m.group(1), i + 1, k - i + 1, not lines[i].startswith("static")))
                i = k + 1
                continue
        i += 1
    return out


def main():
    files = {}
    for f in sources():
        text = open(os.path.join(ROOT, f)).read()
        files[f] = {"lines": text.count("\n"), "text": strip(text)}
        files[f]["funcs"] = functions(files[f]["text"].split("\n"))
    owner = {}
    for f, info in files.items():
        for name, _, _, exported in info["funcs"]:
            if exported:
                owner.setdefault(name, f)
    edges = {f: set() for f in files}
    why = {}
    for f, info in files.items():
        own = {n for n, _, _, _ in info["funcs"]}
        for name in set(CALL.findall(info["text"])):
            g = owner.get(name)
            if g and g != f and name not in own:
                edges[f].add(g)
                why.setdefault((f, g), []).append(name)
    # Tarjan's strongly connected components
    index, low, stack, on, sccs = {}, {}, [], set(), []

    def visit(v, counter=[0]):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    if "--edges" in sys.argv:
        inside = {f for c in sccs for f in c}
        for (f, g), names in sorted(why.items()):
            if f in inside and g in inside:
                print(f"{f} -> {g}: {' '.join(sorted(names))}")
        return 0
    if "--check" in sys.argv:
        for c in sccs:
            print("files that call each other round: " + " ".join(c))
        return 1 if sccs else 0
    total = sum(i["lines"] for i in files.values())
    print(f"{len(files)} C files, {total} lines")
    for f, info in sorted(files.items(), key=lambda x: -x[1]["lines"]):
        print(f"  {info['lines']:6d}  {f}")
    allf = [(n, f, line, length) for f, i in files.items() for n, line, length, _ in i["funcs"]]
    print("longest functions:")
    for n, f, line, length in sorted(allf, key=lambda x: -x[3])[:15]:
        print(f"  {length:5d}  {f}:{line} {n}")
    print(f"circles of files ({len(sccs)}):")
    for c in sccs:
        print("  " + " ".join(c))
    return 0


if __name__ == "__main__":
    sys.exit(main())
