from . import test_install
from . import test_settings
from . import test_audience
from . import test_security
