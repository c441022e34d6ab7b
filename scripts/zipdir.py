#!/usr/bin/python3
"""Zips a problem package directory (its contents at the zip's root) to stdout
or to a file: zipdir.py DIR [OUT.zip]. Used by `verdict import` and the tests."""
import io
import os
import sys
import zipfile


def zipdir(root):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for base, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(base, name)
                if os.path.islink(path):
                    continue
                z.write(path, os.path.relpath(path, root))
    return buf.getvalue()


if __name__ == "__main__":
    data = zipdir(sys.argv[1])
    if len(sys.argv) > 2:
        with open(sys.argv[2], "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)
