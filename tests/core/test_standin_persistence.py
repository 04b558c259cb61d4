"""The stand-ins' state kept in a file for the demo: saved on change, read on start, refused when damaged."""
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mailchimp_sync.serwersms import SerwerSmsClient, SmsCredentials
from standins.campaign_monitor import CampaignMonitorStandinServer
from standins.mailchimp import DEMO_SEED, StandinServer
from standins.persistence import PersistedState, StateFileError, store_state
from standins.serwersms import SmsStandinServer

REPO_ROOT = Path(__file__).resolve().parents[2]
LIST_ID = "a1b2c3d4e5"  # the demo seed's audience


def persisted(server, name, path):
    return PersistedState(path, lambda: server.store, name, interval=3600).start()


def comparable(store):
    """The saved attributes, the random generator by its state (a ``Random`` has no equality of its own)."""
    return {name: value.getstate() if name == "_random" else value for name, value in store_state(store).items()}


def round_trip(make_server, name, change, tmp_path):
    """Change a fresh stand-in, save it, start another one from the file; both stand-ins."""
    path = tmp_path / f"{name}.state"
    with make_server() as first:
        keeper = persisted(first, name, path)
        change(first)
        keeper.close()
    second = make_server()
    restored = persisted(second, name, path)
    second.stop()
    assert restored.restored
    return first, second


def test_the_mailchimp_stand_in_comes_back_with_its_members_campaigns_and_clock(tmp_path):
    def change(server):
        server.store.seed_member(LIST_ID, "new-customer@acme-example.com", merge_fields={"FNAME": "Nowy"})
        server.store.advance_clock(3600)

    first, second = round_trip(lambda: StandinServer(seed=DEMO_SEED), "mailchimp", change, tmp_path)

    assert comparable(second.store) == comparable(first.store)
    assert second.store.get_member(LIST_ID, "new-customer@acme-example.com")["merge_fields"]["FNAME"] == "Nowy"
    def without_links(members):
        return [{key: value for key, value in member.items() if key != "_links"} for member in members]

    assert without_links(second.store.members(LIST_ID)) == without_links(first.store.members(LIST_ID))
    assert second.base_url != first.base_url, "the URLs are this run's, not the saved ones"
    assert second.store.base_url == second.base_url


def test_the_serwersms_and_campaign_monitor_stand_ins_come_back_as_they_were(tmp_path):
    def add_group(server):
        SerwerSmsClient(SmsCredentials.from_token(server.token, base_url=server.base_url)).add_group("Klienci VIP")

    first, second = round_trip(SmsStandinServer, "serwersms", add_group, tmp_path)
    assert second.store.snapshot() == first.store.snapshot()
    assert [group["name"] for group in second.store.snapshot()["groups"]] == ["Klienci VIP"]
    assert comparable(second.store) == comparable(first.store)

    def add_subscriber(server):
        server.store.add_list("list-1", "Newsletter")
        server.store.put_subscriber("list-1", "jan@acme-example.com", name="Jan")

    first, second = round_trip(lambda: CampaignMonitorStandinServer(demo=True), "campaign_monitor",
                               add_subscriber, tmp_path)
    assert second.store.snapshot() == first.store.snapshot()
    assert comparable(second.store) == comparable(first.store)
    assert "jan@acme-example.com" in second.store.snapshot()["lists"]["list-1"]["subscribers"]


def test_the_file_is_written_only_on_change_atomically_and_not_at_all_without_one(tmp_path):
    path = tmp_path / "standins" / "serwersms.state"
    with SmsStandinServer() as server:
        keeper = persisted(server, "serwersms", path)
        assert not keeper.save_if_changed()
        assert not path.exists(), "an untouched stand-in writes nothing"
        server.store.handle("groups/add", {"name": "A"}, f"Bearer {server.token}")
        assert keeper.save_if_changed()
        assert not keeper.save_if_changed(), "the same state is not written twice"
        keeper.close()
    assert keeper.writes == 1
    assert [entry.name for entry in path.parent.iterdir()] == ["serwersms.state"], "no temporary file is left"


@pytest.mark.parametrize("content", [b"", b"not a pickle at all", b"\x80\x05N."])
def test_a_damaged_file_stops_the_stand_in_with_a_message_naming_it_and_the_way_out(tmp_path, content):
    path = tmp_path / "mailchimp.state"
    path.write_bytes(content)
    with StandinServer() as server, pytest.raises(StateFileError) as raised:
        persisted(server, "mailchimp", path)
    assert str(path) in str(raised.value)
    assert "tools/run --reset" in str(raised.value)


def test_another_stand_ins_file_is_refused(tmp_path):
    path = tmp_path / "state"
    with SmsStandinServer() as server:
        persisted(server, "serwersms", path).save_if_changed()
        server.store.handle("groups/add", {"name": "A"}, f"Bearer {server.token}")
        PersistedState(path, lambda: server.store, "serwersms").save_if_changed()
    with CampaignMonitorStandinServer() as server, pytest.raises(StateFileError, match="serwersms stand-in's state"):
        persisted(server, "campaign_monitor", path)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cli(path, port):
    proc = subprocess.Popen([sys.executable, "-m", "standins.serwersms", "--port", str(port), "--state", str(path)],
                            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    while line and "SerwerSMS stand-in on" not in line:
        line = proc.stdout.readline()
    return proc


def test_the_command_line_keeps_what_was_done_across_a_restart_and_refuses_a_damaged_file(tmp_path):
    path = tmp_path / "serwersms.state"
    port = free_port()
    proc = start_cli(path, port)
    try:
        token = "standin-serwersms-token-0123456789"
        answer = requests.post(f"http://127.0.0.1:{port}/groups/add.json", json={"name": "Po restarcie"},
                               headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert answer.json()["success"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    assert path.exists(), "the last change is written when the stand-in stops"

    proc = start_cli(path, port)
    try:
        groups = requests.post(f"http://127.0.0.1:{port}/groups/index.json", json={},
                               headers={"Authorization": "Bearer standin-serwersms-token-0123456789"}, timeout=10)
        assert [group["name"] for group in groups.json()["items"]] == ["Po restarcie"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)

    path.write_bytes(b"garbage")
    failed = subprocess.run([sys.executable, "-m", "standins.serwersms", "--port", "0", "--state", str(path)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=30)
    assert failed.returncode == 2
    assert "tools/run --reset" in failed.stderr
