"""The run queue's delete batches: which DeleteObjects requests the engine will send, and when."""

from __future__ import annotations

from spacesgui.core.transfers import COPIED, Direction, Transfer, TransferState
from spacesgui.engine.run_queue import HOLD_BELOW, HOLD_S, LIGHT_LOOKAHEAD, MAX_BATCH, Job, Lane, RunQueue

State = TransferState
LIMITS = {Lane.FILES: 8, Lane.OPERATIONS: 32}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Engine:
    """What TransferEngine does with a RunQueue, without threads or requests."""

    def __init__(self) -> None:
        self.transfers: dict[str, Transfer] = {}
        self.clock = Clock()
        self.queue = RunQueue(self.transfers, clock=self.clock)

    def add(self, *transfers: Transfer) -> None:
        for t in transfers:
            self.transfers[t.id] = t
            self.queue.added(t)
            self.queue.enqueue(t)

    def start(self) -> list[Job]:
        jobs = self.queue.next_jobs(LIMITS, set())
        for job in jobs:
            for t in job.transfers:
                self.set_state(t, State.RUNNING)
        return jobs

    def set_state(self, t: Transfer, state: TransferState) -> None:
        old, t.state = t.state, state
        self.queue.state_changed(t, old)

    def copied(self, t: Transfer) -> None:
        """A move's copy was verified: its source's deletion is queued (as TransferEngine._run does)."""
        self.queue.job_ended(Lane.OPERATIONS)
        t.phase = COPIED
        self.set_state(t, State.QUEUED)
        self.queue.enqueue(t)


def move(index: int, *, phase: str = "", bucket: str = "b") -> Transfer:
    return Transfer(
        Direction.MOVE, "acct", bucket, f"new/{index:04d}", "", 1, group_id="g",
        source_bucket=bucket, source_key=f"old/{index:04d}", phase=phase,
    )  # fmt: skip


def deleted_keys(jobs: list[Job]) -> list[list[str]]:
    """The keys of each DeleteObjects request the jobs will send."""
    return [
        [t.source_key if t.direction == Direction.MOVE else t.key for t in job.transfers]
        for job in jobs
        if job.is_delete_batch
    ]


def test_the_last_copies_of_a_move_send_their_deletions_in_one_request() -> None:
    engine = Engine()
    copies = [move(i) for i in range(3)]
    engine.add(*copies)
    assert len(engine.start()) == 3  # three copies run
    engine.copied(copies[0])
    engine.copied(copies[1])
    assert engine.start() == []  # two deletions wait: the third copy is still running
    engine.clock.now += HOLD_S / 2
    assert engine.start() == []
    engine.copied(copies[2])
    assert deleted_keys(engine.start()) == [["old/0000", "old/0001", "old/0002"]]


def test_waiting_deletions_go_after_the_hold_even_while_a_copy_runs() -> None:
    engine = Engine()
    slow, quick = move(0), move(1)
    engine.add(slow, quick)
    engine.start()
    engine.copied(quick)
    assert engine.start() == []
    engine.clock.now += HOLD_S
    assert deleted_keys(engine.start()) == [["old/0001"]]
    assert slow.state == State.RUNNING


def test_a_batch_big_enough_goes_while_copies_run() -> None:
    engine = Engine()
    running = move(0)
    engine.add(running)
    engine.start()
    ready = [move(i, phase=COPIED) for i in range(1, HOLD_BELOW + 1)]
    engine.add(*ready)
    assert deleted_keys(engine.start()) == [[t.source_key for t in ready]]


def test_a_delete_the_user_asked_for_goes_at_once_while_a_move_copies_in_its_bucket() -> None:
    engine = Engine()
    engine.add(move(0))
    engine.start()
    doomed = Transfer(Direction.DELETE, "acct", "b", "photo.jpg", "", 1)
    engine.add(doomed)
    assert deleted_keys(engine.start()) == [["photo.jpg"]]


def test_deletions_wait_only_for_copies_from_their_own_bucket() -> None:
    engine = Engine()
    elsewhere = move(0, bucket="other")
    engine.add(elsewhere)
    engine.start()
    engine.add(move(1, phase=COPIED))
    assert deleted_keys(engine.start()) == [["old/0001"]]


def test_a_failed_copy_no_longer_holds_the_deletions_back() -> None:
    engine = Engine()
    failing, fine = move(0), move(1)
    engine.add(failing, fine)
    engine.start()
    engine.copied(fine)
    assert engine.start() == []
    engine.queue.job_ended(Lane.OPERATIONS)
    engine.set_state(failing, State.FAILED)
    assert deleted_keys(engine.start()) == [["old/0001"]]


def test_a_folder_of_deletes_goes_in_requests_of_the_most_keys_s3_takes() -> None:
    engine = Engine()
    engine.add(
        *(Transfer(Direction.DELETE, "acct", "b", f"k/{i:05d}", "", 1) for i in range(2 * MAX_BATCH + 5))
    )
    assert [len(keys) for keys in deleted_keys(engine.start())] == [MAX_BATCH, MAX_BATCH, 5]


def test_small_files_on_the_loop_take_slots_of_their_own_once_the_file_slots_are_full() -> None:
    transfers: dict[str, Transfer] = {}
    queue = RunQueue(transfers)
    big = [Transfer(Direction.UPLOAD, "acct", "b", f"big/{i}", f"/big{i}", 100 * 2**20) for i in range(3)]
    small = [Transfer(Direction.UPLOAD, "acct", "b", f"small/{i}", f"/small{i}", 4096) for i in range(10)]
    for t in [*big, *small]:  # the big files first: they hold the file slots
        transfers[t.id] = t
        queue.added(t)
        queue.enqueue(t)

    def started(jobs: list[Job]) -> list[tuple[str, bool]]:
        for job in jobs:
            job.transfers[0].state = State.RUNNING
        return [(job.transfers[0].key, job.light) for job in jobs]

    limits = {Lane.FILES: 2, Lane.OPERATIONS: 1}
    light = [("small/0", True), ("small/1", True), ("small/2", True), ("small/3", True)]
    assert started(queue.next_jobs(limits, set(), lambda t: t.size < 2**20, 4)) == [
        ("big/0", False), ("big/1", False), *light,
    ]  # fmt: skip
    assert queue.running_jobs() == 6
    queue.job_ended(Lane.FILES, light=True)
    assert started(queue.next_jobs(limits, set(), lambda t: t.size < 2**20, 4)) == [("small/4", True)]
    queue.job_ended(Lane.FILES)  # a big one ended: the next in line, big or small, takes its slot
    assert started(queue.next_jobs(limits, set(), lambda t: t.size < 2**20, 4)) == [("big/2", False)]
    assert started(queue.next_jobs(limits, set())) == []  # without the loop: no more than the limits


def test_looking_for_light_files_behind_a_long_queue_of_big_ones_stops_after_a_while() -> None:
    transfers: dict[str, Transfer] = {}
    queue = RunQueue(transfers)
    looked: list[str] = []
    for i in range(1000):
        t = Transfer(Direction.UPLOAD, "acct", "b", f"big/{i:04d}", f"/big{i}", 100 * 2**20)
        transfers[t.id] = t
        queue.added(t)
        queue.enqueue(t)

    def light(t: Transfer) -> bool:
        looked.append(t.key)
        return False

    assert len(queue.next_jobs({Lane.FILES: 2, Lane.OPERATIONS: 1}, set(), light, 8)) == 2
    assert len(looked) == LIGHT_LOOKAHEAD
    nxt = queue.next_jobs({Lane.FILES: 3, Lane.OPERATIONS: 1}, set())
    assert [j.transfers[0].key for j in nxt] == ["big/0002"]  # the order kept


def test_a_moves_deletions_start_while_its_other_copies_still_wait() -> None:
    engine = Engine()
    moves = [move(i) for i in range(3 * HOLD_BELOW)]
    engine.add(*moves)
    batches: list[list[str]] = []
    while not batches:
        jobs = engine.start()
        batches = deleted_keys(jobs)
        for job in jobs:
            if not job.is_delete_batch and job.transfers[0] is not moves[0]:  # the first copy is slow
                engine.copied(job.transfers[0])
    # The first DeleteObjects goes as soon as a batch is worth a request, not after the last copy.
    assert len(batches[0]) >= HOLD_BELOW
    assert any(t.state == State.QUEUED and t.phase != COPIED for t in moves)


def test_ten_thousand_deletes_go_in_ten_requests_in_queue_order() -> None:
    engine = Engine()
    doomed = [Transfer(Direction.DELETE, "acct", "b", f"k/{i:05d}", "", 1) for i in range(10 * MAX_BATCH)]
    engine.add(*doomed)
    assert deleted_keys(engine.start()) == [
        [t.key for t in doomed[i : i + MAX_BATCH]] for i in range(0, len(doomed), MAX_BATCH)
    ]
