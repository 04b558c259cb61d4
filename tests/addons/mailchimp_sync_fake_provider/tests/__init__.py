from . import test_fake_provider
