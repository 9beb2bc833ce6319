"""The PE check can fail: it is run on the real cross-built lakegate.exe and on copies
broken the ways that matter (console subsystem, no resources, not a PE, truncated).
LAKEGATE_EXE names the executable (make package-windows sets it)."""

import os
import pathlib
import struct
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import pe_check  # noqa: E402

EXE = pathlib.Path(os.environ.get("LAKEGATE_EXE", "target/x86_64-pc-windows-gnu/release/lakegate.exe"))


def optional_header(data):
    (pe_offset,) = struct.unpack_from("<I", data, 0x3C)
    return pe_offset + 4 + 20


class PeCheck(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not EXE.exists():
            raise unittest.SkipTest(f"{EXE} is not built (make package-windows builds it)")
        cls.data = EXE.read_bytes()

    def test_the_real_build_passes(self):
        facts = pe_check.parse(self.data)
        self.assertEqual(pe_check.failures(facts), [])
        self.assertEqual(facts["subsystem"], 2)
        self.assertIn(".rsrc", facts["sections"])

    def test_a_console_binary_fails(self):
        data = bytearray(self.data)
        struct.pack_into("<H", data, optional_header(data) + 68, 3)
        problems = pe_check.failures(pe_check.parse(bytes(data)))
        self.assertEqual(len(problems), 1)
        self.assertIn("Windows console", problems[0])

    def test_a_binary_without_resources_fails(self):
        data = bytearray(self.data)
        struct.pack_into("<II", data, optional_header(data) + 112 + 16, 0, 0)
        problems = pe_check.failures(pe_check.parse(bytes(data)))
        self.assertEqual(sorted(problems), sorted(f"resource {n} is missing" for n in pe_check.RESOURCE_TYPES.values()))

    def test_other_files_get_a_clear_message(self):
        with self.assertRaisesRegex(pe_check.PeError, "no MZ header"):
            pe_check.parse(b"\x7fELF" + bytes(100))
        with self.assertRaisesRegex(pe_check.PeError, "truncated"):
            pe_check.parse(self.data[:0x3C])
        with self.assertRaisesRegex(pe_check.PeError, "truncated|RVA"):
            pe_check.parse(self.data[:4096])


if __name__ == "__main__":
    unittest.main()
