from . import test_install
from . import test_settings
from . import test_audience
from . import test_security
from . import test_sync_rules
from . import test_sync_leaving
from . import test_sync_engine
from . import test_representatives
