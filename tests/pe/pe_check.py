#!/usr/bin/env python3
"""Checks a Windows build of Lakegate from its PE headers, without Windows:
x86-64 machine, PE32+, the GUI subsystem (no console window behind the app), and the
resources Tauri's build embeds: the icon (RT_ICON + RT_GROUP_ICON), version information
(RT_VERSION) and the application manifest (RT_MANIFEST).

    python3 tests/pe/pe_check.py target/x86_64-pc-windows-gnu/release/lakegate.exe

Exit 0 when every check passes; otherwise one line per failed check and exit 1."""

import struct
import sys

RESOURCE_TYPES = {3: "RT_ICON", 14: "RT_GROUP_ICON", 16: "RT_VERSION", 24: "RT_MANIFEST"}
SUBSYSTEMS = {2: "Windows GUI", 3: "Windows console"}


class PeError(Exception):
    pass


def read(data, offset, fmt):
    size = struct.calcsize(fmt)
    if offset < 0 or offset + size > len(data):
        raise PeError(f"truncated file: wanted {size} bytes at offset {offset}")
    return struct.unpack_from(fmt, data, offset)


def parse(data):
    """The facts the checks need, from the DOS, COFF and optional headers and the resource
    directory's first level."""
    if data[:2] != b"MZ":
        raise PeError("not a PE file (no MZ header)")
    (pe_offset,) = read(data, 0x3C, "<I")
    if data[pe_offset : pe_offset + 4] != b"PE\0\0":
        raise PeError("not a PE file (no PE signature)")
    coff = pe_offset + 4
    machine, sections, _, _, _, optional_size, characteristics = read(data, coff, "<HHIIIHH")
    optional = coff + 20
    (magic,) = read(data, optional, "<H")
    if magic != 0x20B:
        raise PeError(f"not PE32+ (optional header magic {magic:#x})")
    (subsystem,) = read(data, optional + 68, "<H")
    (directories,) = read(data, optional + 108, "<I")
    resource_rva, resource_size = read(data, optional + 112 + 2 * 8, "<II") if directories > 2 else (0, 0)
    table = optional + optional_size
    section_list = []
    for i in range(sections):
        name, vsize, vaddr, rawsize, rawptr = read(data, table + 40 * i, "<8sIIII")
        section_list.append((name.rstrip(b"\0").decode(errors="replace"), vaddr, max(vsize, rawsize), rawptr))

    def file_offset(rva):
        for _, vaddr, size, rawptr in section_list:
            if vaddr <= rva < vaddr + size:
                return rawptr + rva - vaddr
        raise PeError(f"RVA {rva:#x} is in no section")

    types = []
    if resource_rva and resource_size:
        root = file_offset(resource_rva)
        _, _, _, _, named, ids = read(data, root, "<IIHHHH")
        for i in range(named + ids):
            name, _ = read(data, root + 16 + 8 * i, "<II")
            if not name & 0x80000000:
                types.append(name)
    return {
        "machine": machine,
        "executable": bool(characteristics & 0x0002),
        "subsystem": subsystem,
        "sections": [s[0] for s in section_list],
        "resource_types": types,
    }


def failures(facts):
    out = []
    if facts["machine"] != 0x8664:
        out.append(f"machine is {facts['machine']:#x}, not x86-64 (0x8664)")
    if not facts["executable"]:
        out.append("the image is not marked executable")
    if facts["subsystem"] != 2:
        out.append(f"subsystem is {SUBSYSTEMS.get(facts['subsystem'], facts['subsystem'])}, not Windows GUI: a console window would open behind the app")
    for rtype, name in RESOURCE_TYPES.items():
        if rtype not in facts["resource_types"]:
            out.append(f"resource {name} is missing")
    return out


def main(argv):
    if len(argv) != 2:
        print("usage: pe_check.py LAKEGATE.EXE", file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            facts = parse(f.read())
    except (OSError, PeError) as e:
        print(f"pe-check: {argv[1]}: {e}", file=sys.stderr)
        return 1
    problems = failures(facts)
    for p in problems:
        print(f"pe-check: {argv[1]}: {p}", file=sys.stderr)
    if problems:
        return 1
    kinds = ", ".join(RESOURCE_TYPES[t] for t in RESOURCE_TYPES if t in facts["resource_types"])
    print(f"pe-check: {argv[1]}: x86-64 PE32+, {SUBSYSTEMS[facts['subsystem']]} subsystem, resources {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
