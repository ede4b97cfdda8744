#!/usr/bin/python3
"""Writes a small EPUB 3 book for tests, optionally broken in one way.

Usage: make_epub.py OUT.epub [--language fr] [--break KIND]

The book has three chapters whose reading order (spine) differs from the order of their file
names and of the manifest: spine = ch_c (Premier), ch_a (Deuxième), ch_b (Troisième), plus a
nav document that is not in the spine. KIND: bad-zip (not a zip at all), missing-opf
(container.xml names an OPF that is not in the zip), missing-chapter (the spine names a
chapter file that is not in the zip).
Needs only the Python standard library.
"""

import argparse
import zipfile

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""

OPF = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:mpibatch-test</dc:identifier>
    <dc:title>Le Phare</dc:title>
    <dc:language>{language}</dc:language>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="a" href="text/ch_a.xhtml" media-type="application/xhtml+xml"/>
    <item id="b" href="text/ch_b.xhtml" media-type="application/xhtml+xml"/>
    <item id="c" href="text/ch_c.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine><itemref idref="c"/><itemref idref="a"/><itemref idref="b"/></spine>
</package>"""

CHAPTER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="{language}">
<head><title>{title}</title><style>p {{ color: red; }}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""

BODIES = {
    "c": "<p>Le gardien se leva à l&#8217;aube. Il alluma la <em>lampe</em> &amp; attendit.</p>"
         "<p>Le brouillard vint de l'ouest. Personne ne sortit en mer&#160;!</p>",
    "a": "<p>Un bateau passa la nuit. <span>« Restez-vous ? »</span> demanda-t-elle.</p>"
         "<script>var ignored = 1;</script>",
    "b": "<div><p>L'hiver arriva. Le registre se remplit.</p></div>",
}
TITLES = {"c": "Premier", "a": "Deuxième", "b": "Troisième"}

NAV = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<body><nav epub:type="toc"><ol><li><a href="text/ch_c.xhtml">Premier</a></li></ol></nav></body>
</html>"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--language", default="fr")
    parser.add_argument("--break", dest="broken",
                        choices=["bad-zip", "missing-opf", "missing-chapter"])
    args = parser.parse_args()
    if args.broken == "bad-zip":
        with open(args.out, "wb") as f:
            f.write(b"PK\x03\x04 this is not really a zip archive" * 10)
        return
    with zipfile.ZipFile(args.out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")  # stored, first
        z.writestr("META-INF/container.xml", CONTAINER.format(opf="OEBPS/content.opf"))
        if args.broken != "missing-opf":
            z.writestr("OEBPS/content.opf", OPF.format(language=args.language))
        z.writestr("OEBPS/nav.xhtml", NAV)
        for key in sorted(BODIES):
            if args.broken == "missing-chapter" and key == "a":
                continue
            z.writestr(f"OEBPS/text/ch_{key}.xhtml",
                       CHAPTER.format(language=args.language, title=TITLES[key],
                                      body=BODIES[key]),
                       compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    main()
