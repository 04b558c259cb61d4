"""The core's module list, in its ``__init__`` and in README's architecture, names every module once."""
import re
from pathlib import Path

import mailchimp_sync

CORE = Path(mailchimp_sync.__file__).parent
README = CORE.parent / "README.md"
MODULES = sorted(path.stem for path in CORE.glob("*.py") if path.stem != "__init__")


def test_the_core_package_docstring_lists_every_module_once():
    listed = re.findall(r"^\* ``(\w+)``: ", mailchimp_sync.__doc__, re.MULTILINE)
    assert sorted(listed) == MODULES


def test_the_readme_architecture_lists_every_core_module_once():
    listed = re.findall(r"^\| `(\w+)\.py` \| ", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(listed) == MODULES
