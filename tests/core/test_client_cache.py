from mailchimp_sync.client_cache import ClientCache


class FakeClient:
    def __init__(self, credentials):
        self.credentials = credentials
        self.closed = False

    def close(self):
        self.closed = True


def test_same_key_and_credentials_share_one_client():
    cache = ClientCache()
    first = cache.get(("db1", "model", 1), "key-a", FakeClient)
    assert cache.get(("db1", "model", 1), "key-a", FakeClient) is first


def test_two_databases_with_the_same_record_id_keep_their_own_clients():
    cache = ClientCache()
    one = cache.get(("db1", "model", 1), "key-a", FakeClient)
    two = cache.get(("db2", "model", 1), "key-b", FakeClient)
    assert cache.get(("db1", "model", 1), "key-a", FakeClient) is one
    assert cache.get(("db2", "model", 1), "key-b", FakeClient) is two
    assert not one.closed and not two.closed


def test_rotated_credentials_replace_the_client_without_closing_the_old_one():
    cache = ClientCache()
    old = cache.get(("db1", "model", 1), "key-a", FakeClient)
    new = cache.get(("db1", "model", 1), "key-b", FakeClient)
    assert new is not old and new.credentials == "key-b"
    assert not old.closed, "another thread may still be using it"
