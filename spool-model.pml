/*
 * spool-model.pml: the spool protocol of spool-format.md as a model for spin(1), checked by
 * `make test` (tests/.../SpoolModelTest): spin -a spool-model.pml && cc -o pan pan.c && ./pan.
 *
 * One message with two recipients; its writer is masq-inject (or masq-smtpd: the same commit) or,
 * in system mode, a user's masq-inject leaving a drop in maildrop/ that a queue run picks up. Two
 * delivery runs at once: a queue run (which also picks up the maildrop) and the detached
 * `masq-deliver --id` that masq-smtpd starts after each message. A recipient's fate is chosen at
 * the start: its delivery succeeds (a mailbox write, fsynced) or fails for good (a bounce, a new
 * message committed like any other, before the failure is recorded).
 *
 * The disk is modelled the way ext4 (data=ordered) and the POSIX rules agree on: the content of a
 * file is durable once fsynced; a change of a directory (link, rename, unlink) is in the page cache
 * until an fsync of that directory; a machine crash keeps, of the changes not yet synced, a prefix
 * in the order they were made (the journal commits them in order), and loses the rest, and every
 * process with its locks. A crash may come before any step, up to MAX_CRASHES times; after each,
 * `masq-queue check --repair` runs, then the runs start again.
 *
 * Each step has the name the Java code gives it in a comment `// model: ` and the name, at the place that
 * does it; SpoolModelTest checks that both sides name the same steps.
 *
 * Checked: no acknowledged message lost (each recipient delivered or bounced at the end); no
 * recipient delivered or bounced twice except in the window where the peer has it and the record
 * of that has not reached the disk (RFC 1047); what a crash leaves is something check --repair
 * mends; no run changes a message another run holds.
 */

#ifndef MAX_CRASHES
#define MAX_CRASHES 2
#endif
#define NR 2        /* recipients */
#define NOPS 6      /* directory changes waiting for a directory fsync, at most */

/* recipient states in an envelope */
#define P 0         /* pending */
#define D 1         /* delivered */
#define F 2         /* failed, its bounce queued */

/* directory changes (of queue/ and maildrop/ and tmp/) not yet made durable */
#define OP_LINK_MSG 1      /* queue/ID.msg linked (the commit) */
#define OP_RENAME_ENV 2    /* tmp/ID.env.PID.tmp renamed over queue/ID.env; content in opEnv */
#define OP_UNLINK_MSG 3    /* queue/ID.msg removed */
#define OP_UNLINK_ENV 4    /* queue/ID.env removed */
#define OP_RENAME_DROP 5   /* maildrop/ID.tmp renamed to maildrop/ID.drop */
#define OP_PICKUP 6        /* maildrop/ID.drop renamed to tmp/ID.pickup */
#define OP_UNLINK_PICKUP 7 /* tmp/ID.pickup removed */

/* ---- the disk as every process sees it, and as a crash keeps it (_d) ---- */
bool dataSynced;            /* tmp/ID.msg's content fsynced (before the link) */
bool qMsg, qMsgD;           /* queue/ID.msg exists */
bool qEnv, qEnvD;           /* queue/ID.env exists */
byte env[NR], envD[NR];     /* the states in queue/ID.env */
bool tmpMsg;                /* tmp/ID.msg: never synced, so a crash may keep it or not */
bool drop, dropD;           /* maildrop/ID.drop */
bool dropSynced;            /* the drop's content fsynced */
bool pickup, pickupD;       /* tmp/ID.pickup */
byte ops[NOPS];             /* the directory changes not yet synced, in order */
byte opEnv[NOPS * NR];      /* the envelope each OP_RENAME_ENV put in place */
byte nops;

/* ---- what is outside the spool ---- */
bool failing[NR];           /* the recipient's fate */
byte delivered[NR];         /* copies in the recipient's mailbox (each fsynced) */
byte bounced[NR];           /* bounces queued for the recipient */
bool dupDelivery[NR];       /* a crash hit the window: delivered, not recorded on disk */
bool dupBounce[NR];
bool viaMaildrop;           /* the writer left a drop (system mode) */
bool pickedUp;              /* the drop was queued (durably) */
byte copies;                /* the times it was queued again after a crash */
bool acked;                 /* the writer exited 0 / answered 250 */
byte crashes;

/* ---- the processes ---- */
byte writer;                /* the writer's next step; 99 when it is gone */
byte pc[2];                 /* each run's next step */
byte lock;                  /* the fcntl lock of queue/ID.msg: 0 free, else run + 1 */
bool opened[2];             /* the run has ID.msg open */
byte seen[2 * NR];          /* each run's copy of the envelope */
byte next[2];               /* the recipient a run is at */

#define SEEN(i, r) seen[(i) * NR + (r)]

/* queue/ID.msg's envelope as a reader takes it: ID.env when there is one, else the one inside */
#define STATE(r) (qEnv -> env[r] : P)
#define DURABLE_STATE(r) (qEnvD -> envD[r] : P)

inline record(op) {
  assert(nops < NOPS);
  ops[nops] = op;
  nops++
}

/* an fsync of a directory: every change made so far is durable */
inline dirsync() {
  d_step {
    keep = nops;
    apply();
    nops = 0
  }
}

/* makes the first `keep` changes durable */
inline apply() {
  k = 0;
  do
  :: k < keep ->
     if
     :: ops[k] == OP_LINK_MSG -> qMsgD = 1
     :: ops[k] == OP_RENAME_ENV ->
        qEnvD = 1;
        r = 0;
        do
        :: r < NR -> envD[r] = opEnv[k * NR + r]; r++
        :: else -> break
        od
     :: ops[k] == OP_UNLINK_MSG -> qMsgD = 0
     :: ops[k] == OP_UNLINK_ENV -> qEnvD = 0
     :: ops[k] == OP_RENAME_DROP -> dropD = 1
     :: ops[k] == OP_PICKUP -> dropD = 0; pickupD = 1
     :: ops[k] == OP_UNLINK_PICKUP -> pickupD = 0
     fi;
     k++
  :: else -> break
  od
}

byte keep, k, r;

/* a recipient's result is on disk: its state there, or the message gone */
#define RECORDED(r, s) (!qMsgD || DURABLE_STATE(r) == s)

inline crash() {
  /* the changes a crash keeps: a prefix, of any length */
  keep = 0;
  do
  :: keep < nops -> keep++
  :: break
  od;
  skip;
  d_step {
    apply();
    nops = 0;
    /* what the peer has and the disk does not say: the next run gives it again */
    r = 0;
    do
    :: r < NR ->
       if
       :: delivered[r] > 0 && !RECORDED(r, D) -> dupDelivery[r] = 1
       :: else -> skip
       fi;
       if
       :: bounced[r] > 0 && !RECORDED(r, F) -> dupBounce[r] = 1
       :: else -> skip
       fi;
       r++
    :: else -> break
    od;
    qMsg = qMsgD; qEnv = qEnvD;
    r = 0;
    do
    :: r < NR -> env[r] = envD[r]; r++
    :: else -> break
    od;
    drop = dropD; pickup = pickupD;
    lock = 0; opened[0] = 0; opened[1] = 0;
    if
    :: !acked -> writer = 99   /* the writer died; nothing was promised */
    :: else -> skip
    fi;
    crashes++;
    pc[0] = 90; pc[1] = 90      /* check --repair, then the next runs */
  }
}

/* a run's envelope write (spool-format.md "Changing state"): temporary file, fsync, rename
   over queue/ID.env, fsync of queue/ */
inline write_envelope(i) {
  d_step {
    r = 0;
    do
    :: r < NR -> opEnv[nops * NR + r] = SEEN(i, r); env[r] = SEEN(i, r); r++
    :: else -> break
    od;
    qEnv = 1;
    record(OP_RENAME_ENV)
  }
}

/* one step of run i (0: the queue run, which also picks up; 1: the detached --id run); not
   executable when run i has nothing to do */
inline run_step(i) {
  if
  /* check --repair after a crash (spool-format.md "What crashes leave"), before any run */
  :: pc[i] == 90 && i == 0 -> /* model: REPAIR */
     d_step {
       assert(!qMsg || dataSynced);   /* a committed message has its data */
       tmpMsg = 0;                    /* never committed, or its name only */
       if
       :: qEnv && !qMsg -> qEnv = 0; qEnvD = 0   /* moved to corrupt/: the message was done */
       :: else -> skip
       fi;
       pc[0] = 0;
       pc[1] = 0
     }

  /* the maildrop pickup (run 0 only: it holds tmp/pickup.lock) */
  :: pc[i] == 0 && i == 0 && pickup -> /* model: PICKUP_COMMIT */
     /* the commit protocol above, fsyncs included, as one step. A pickup that a run which died
        had committed already is queued again under a new ID (spool-format.md: the pickup is at
        least once): that second copy is counted, not followed */
     d_step {
       if
       :: !pickedUp -> qMsg = 1; qMsgD = 1; dataSynced = 1; pickedUp = 1
       :: else -> copies++
       fi;
       pc[0] = 2
     }
  :: pc[i] == 0 && i == 0 && !pickup && drop -> /* model: PICKUP_RENAME */
     /* not fsynced: a crash may bring the drop back into maildrop/, to be queued again */
     d_step { drop = 0; pickup = 1; record(OP_PICKUP) }
  :: pc[i] == 2 -> /* model: PICKUP_UNLINK */
     d_step { pickup = 0; record(OP_UNLINK_PICKUP); pc[i] = 3 }

  /* a delivery run over the queue */
  :: (pc[i] == 0 && !(i == 0 && (pickup || drop))) || pc[i] == 3 -> /* model: RUN_OPEN */
     if
     :: qMsg -> opened[i] = 1; pc[i] = 4
     :: else -> pc[i] = 99           /* nothing queued: the run ends */
     fi
  :: pc[i] == 4 -> /* model: RUN_LOCK */
     if
     :: lock == 0 -> lock = i + 1; pc[i] = 5
     :: else -> opened[i] = 0; pc[i] = 99  /* busy: another run has it */
     fi
  :: pc[i] == 5 -> /* model: RUN_CHECK_QUEUED */
     d_step {
       if
       :: qMsg ->
          r = 0;
          do
          :: r < NR -> SEEN(i, r) = STATE(r); r++
          :: else -> break
          od;
          next[i] = 0;
          pc[i] = 6
       :: else -> lock = 0; opened[i] = 0; pc[i] = 99   /* removed meanwhile */
       fi
     }
  :: pc[i] == 6 -> /* the next recipient */
     assert(lock == i + 1);
     if
     :: next[i] == NR -> pc[i] = 10
     :: next[i] < NR && SEEN(i, next[i]) != P -> next[i]++
     :: next[i] < NR && SEEN(i, next[i]) == P && !failing[next[i]] -> pc[i] = 7
     :: next[i] < NR && SEEN(i, next[i]) == P && failing[next[i]] -> next[i]++  /* bounced at the end */
     fi
  :: pc[i] == 7 -> /* model: DELIVER_MAILBOX (written and fsynced) */
     d_step {
       r = next[i];
       assert(delivered[r] == 0 || dupDelivery[r]);
       delivered[r]++;
       SEEN(i, r) = D;
       next[i]++;
       pc[i] = 8
     }
  :: pc[i] == 8 -> /* model: DELIVER_CHECKPOINT: the envelope at once when more follow */
     if
     :: next[i] < NR -> write_envelope(i); pc[i] = 9
     :: else -> pc[i] = 6
     fi
  :: pc[i] == 9 -> /* model: ENVELOPE_SYNC */
     dirsync(); pc[i] = 6
  :: pc[i] == 10 -> /* model: BOUNCE_COMMIT: each failure's bounce, before the failure is written */
     d_step {
       r = 0;
       do
       :: r < NR ->
          if
          :: SEEN(i, r) == P && failing[r] ->
             assert(bounced[r] == 0 || dupBounce[r]);
             bounced[r]++;
             SEEN(i, r) = F
          :: else -> skip
          fi;
          r++
       :: else -> break
       od;
       pc[i] = 11
     }
  :: pc[i] == 11 ->
     if
     :: SEEN(i, 0) != P && SEEN(i, 1) != P -> pc[i] = 13  /* done: removed */
     :: else -> write_envelope(i); pc[i] = 12               /* model: ENVELOPE_WRITE */
     fi
  :: pc[i] == 12 -> dirsync(); pc[i] = 16
  :: pc[i] == 13 -> /* model: REMOVE_MSG: the data first, so that a cut removal never brings the
                       message back in its first state */
     d_step { qMsg = 0; record(OP_UNLINK_MSG); pc[i] = 14 }
  :: pc[i] == 14 -> /* model: REMOVE_ENV */
     d_step {
       if
       :: qEnv -> qEnv = 0; record(OP_UNLINK_ENV)
       :: else -> skip
       fi;
       pc[i] = 15
     }
  :: pc[i] == 15 -> /* model: REMOVE_SYNC */
     dirsync(); pc[i] = 16
  :: pc[i] == 16 -> /* model: RUN_UNLOCK */
     d_step { lock = 0; opened[i] = 0; pc[i] = 3 }  /* the run looks at the queue again */
  fi
}

proctype Spool() {
  do
  /* ---------------- the writer: masq-inject, masq-smtpd (commit protocol) ---------------- */
  :: writer == 0 && !viaMaildrop -> /* model: COMMIT_WRITE (data, envelope, fsync) */
     tmpMsg = 1; dataSynced = 1; writer = 1
  :: writer == 1 -> /* model: COMMIT_LINK */
     d_step { qMsg = 1; record(OP_LINK_MSG); writer = 2 }
  :: writer == 2 -> /* model: COMMIT_SYNC */
     dirsync(); writer = 3
  :: writer == 3 -> /* model: COMMIT_ACK */
     acked = 1; writer = 4
  :: writer == 4 -> /* model: COMMIT_UNLINK_TMP */
     tmpMsg = 0; writer = 99
  /* ---------------- the writer in system mode: a drop in maildrop/ ---------------- */
  :: writer == 0 && viaMaildrop -> /* model: DROP_WRITE (temporary name, fsync) */
     dropSynced = 1; writer = 10
  :: writer == 10 -> /* model: DROP_RENAME */
     d_step { drop = 1; record(OP_RENAME_DROP); writer = 11 }
  :: writer == 11 -> /* model: DROP_SYNC */
     /* the user may not open maildrop/ (mode 1733) to fsync it: masq-inject fsyncs the drop
        again after its rename, which on a journalling file system (ext4, XFS, btrfs) commits
        the rename with it */
     dirsync(); writer = 12
  :: writer == 12 -> /* model: DROP_ACK */
     acked = 1; writer = 99

  /* ---------------- the two runs ---------------- */
  :: run_step(0)
  :: run_step(1)

  /* ---------------- a crash ---------------- */
  :: crashes < MAX_CRASHES -> crash()

  /* ---------------- the next queue run (cron, ip-up) while anything is left ---------------- */
  :: pc[0] == 99 && (qMsg || drop || pickup) -> pc[0] = 0

  /* ---------------- the end: everything has run ---------------- */
  :: writer == 99 && pc[0] == 99 && pc[1] == 99 && !qMsg && !drop && !pickup -> break
  od;
  /* nothing acknowledged is lost */
  r = 0;
  do
  :: r < NR ->
     assert(!acked || (failing[r] -> bounced[r] > 0 : delivered[r] > 0));
     r++
  :: else -> break
  od;
  /* nothing is left behind that a run would have to deal with */
  assert(!qMsg && !qEnv && !pickup && (!acked || !drop))
}

init {
  if
  :: failing[0] = 0
  :: failing[0] = 1
  fi;
  if
  :: failing[1] = 0
  :: failing[1] = 1
  fi;
  if
  :: viaMaildrop = 0
  :: viaMaildrop = 1
  fi;
  run Spool()
}
