#!/usr/bin/env python3
"""Writes metadata.txt, the phone number rules souk reads, from libphonenumber's
PhoneNumberMetadata.xml (the copy in the `phonenumber` crate, a dev-dependency whose parser the
tests compare ours with):

    python3 src/domain/phone/metadata.py ~/.cargo/registry/src/*/phonenumber-*/assets/PhoneNumberMetadata.xml

One line per territory, fields separated by tabs:
id, country code, 1 for the main country of its code, international prefix, national prefix for
parsing, its transform rule, leading digits, a mobile example, the general lengths, the lengths
only dialled locally, the general pattern, then each number type as lengths:pattern. Lengths are
comma-separated; patterns are libphonenumber's regular expressions without their whitespace.
Only what parsing and validating need is kept: the formats, carriers and places are not.
"""
import re
import sys
import xml.etree.ElementTree as ET

TYPES = ["fixedLine", "mobile", "tollFree", "premiumRate", "sharedCost", "personalNumber",
         "voip", "pager", "uan", "voicemail"]


def lengths(text):
    out = set()
    for part in (text or "").split(","):
        part = part.strip()
        if not part or part == "-1":
            continue
        m = re.fullmatch(r"\[(\d+)-(\d+)\]", part)
        if m:
            out.update(range(int(m.group(1)), int(m.group(2)) + 1))
        else:
            out.add(int(part))
    return out


def squeeze(pattern):
    return re.sub(r"\s", "", pattern or "")


def main(path):
    root = ET.parse(path).getroot()
    version = root.find("territories")
    rows = []
    for te in root.find("territories"):
        national_prefix = te.get("nationalPrefix") or ""
        for_parsing = squeeze(te.get("nationalPrefixForParsing")) or national_prefix
        transform = re.sub(r"\$(\d)", r"${\1}", te.get("nationalPrefixTransformRule") or "")
        general_lengths, local_lengths, types = set(), set(), []
        example = ""
        for name in TYPES:
            desc = te.find(name)
            if desc is None:
                continue
            pattern = desc.find("nationalNumberPattern")
            pl = desc.find("possibleLengths")
            national = lengths(pl.get("national")) if pl is not None else set()
            if pattern is None or (pl is not None and pl.get("national") == "-1"):
                continue
            general_lengths |= national
            local_lengths |= lengths(pl.get("localOnly")) if pl is not None else set()
            types.append(",".join(map(str, sorted(national))) + ":" + squeeze(pattern.text))
            if name == "mobile" and desc.find("exampleNumber") is not None:
                example = desc.find("exampleNumber").text.strip()
        local_lengths -= general_lengths
        general = squeeze(te.find("generalDesc").find("nationalNumberPattern").text)
        fields = [te.get("id"), te.get("countryCode"), "1" if te.get("mainCountryForCode") == "true" else "0",
                  squeeze(te.get("internationalPrefix")), for_parsing, transform,
                  squeeze(te.get("leadingDigits")), example,
                  ",".join(map(str, sorted(general_lengths))), ",".join(map(str, sorted(local_lengths))),
                  general] + types
        assert not any("\t" in f or "\n" in f for f in fields), te.get("id")
        rows.append("\t".join(fields))
    sys.stdout.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
