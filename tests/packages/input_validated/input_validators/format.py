# One line: two integers separated by one space, then a newline.
import re
import sys

text = sys.stdin.read()
if not re.fullmatch(r"-?[0-9]+ -?[0-9]+\n", text):
    print("not 'a b' and a newline: %r" % text[:40])
    sys.exit(43)
sys.exit(42)
