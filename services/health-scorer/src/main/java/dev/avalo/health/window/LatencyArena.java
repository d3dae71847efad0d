package dev.avalo.health.window;

import java.util.Arrays;

import org.HdrHistogram.Histogram;

/**
 * The latency buckets of every second of one window's ring ({@link SparseLatency} bucket lists, one per slot), held in one
 * array written round like a log: a second's buckets are appended at the head, the oldest end is reclaimed as the ring evicts
 * its seconds, and a second that gains another router's buckets is rewritten in place when it is the newest (the usual case) or
 * appended again. Not thread-safe (the window's owner serialises access).
 * <p>
 * Why not an array per second: 20,000 windows each made a {@code long[]} per second that lived for the 11-minute ring, so each
 * young collection copied them and scanned the cards of the 20,000 slot arrays pointing at them, and the old generation filled
 * with dead ones that only mixed collections reclaim. Here a second's buckets are primitive writes into an array that is
 * already old: no object, no reference store. The array is replaced only when it is full of live buckets (the window's traffic
 * grew, or a second kept by a quiet slot holds the reclaiming back; the window frees the slots of the seconds it skips, so this
 * is rare), by one with room for a quarter more than the live buckets, those compacted at its start: an append moves each long
 * a bounded number of times over its life (about five while one quiet slot keeps the tail back), and steady traffic, whose ring
 * of seconds varies by much less than a quarter, keeps the same array (room for half more cost some 0.4 GiB more heap at 10,000
 * canaries than a {@code long[]} per second).
 */
final class LatencyArena {

    /** The header of the unused end of the array before the head wrapped to its start. */
    private static final long SKIP = -1L;
    private static final int INITIAL_CAPACITY = 64;

    private long[] buf = new long[INITIAL_CAPACITY];
    /** Per slot: the index of its bucket list's header, -1 for none. */
    private final int[] at;
    /** Where the next bucket list goes. */
    private int head;
    /** The oldest bucket list that may still be held (everything from here to the head, going round, is accounted). */
    private int tail;
    /** Longs from the tail to the head, going round: held lists, lists no longer held, and a skipped end. */
    private int filled;
    /** Times the array was replaced (for tests). */
    private int compactions;

    LatencyArena(int slots) {
        this.at = new int[slots];
        Arrays.fill(at, -1);
    }

    /** True when slot {@code slot} holds buckets. */
    boolean holds(int slot) {
        return at[slot] >= 0;
    }

    /** The values in slot {@code slot} in buckets above the one holding {@code micros}. */
    long countAbove(int slot, long micros) {
        int a = at[slot];
        return a < 0 ? 0 : SparseLatency.countAbove(buf, a, micros);
    }

    /** Adds slot {@code slot}'s buckets to {@code h} ({@code sign} −1 removes them). */
    void addTo(int slot, Histogram h, int sign) {
        int a = at[slot];
        if (a >= 0) {
            SparseLatency.addTo(buf, a, h, sign);
        }
    }

    /** Adds slot {@code slot}'s buckets to {@code aggregate}. */
    void addTo(int slot, Aggregate aggregate) {
        int a = at[slot];
        if (a >= 0) {
            aggregate.addLatency(buf, a);
        }
    }

    /** Adds slot {@code slot}'s buckets to the ranges holding {@code epochSecond} ({@code sign} −1 removes them). */
    void addTo(int slot, RangeHistograms ranges, long epochSecond, int sign) {
        int a = at[slot];
        if (a >= 0) {
            ranges.changed(epochSecond, buf, a, sign);
        }
    }

    /** Forgets slot {@code slot}'s buckets. */
    void clear(int slot) {
        int a = at[slot];
        if (a >= 0) {
            at[slot] = -1;
            release(a);
        }
    }

    /** Merges the bucket list at {@code b[from]} into slot {@code slot}. */
    void add(int slot, long[] b, int from) {
        long[] src = b;
        int srcAt = from;
        int a = at[slot];
        if (a >= 0) {
            src = SparseLatency.merge(buf, a, b, from);
            srcAt = 0;
            at[slot] = -1;
            release(a);
        }
        int span = SparseLatency.span(src, srcAt);
        int p = allocate(span);
        System.arraycopy(src, srcAt, buf, p, span);
        buf[p] = (long) slot << 32 | (src[srcAt] & 0xFFFF_FFFFL);
        at[slot] = p;
    }

    /** A list no longer held: the head moves back over it when it is the newest; otherwise the tail reclaims it later. */
    private void release(int a) {
        int span = SparseLatency.span(buf, a);
        if (a + span == head) {
            head = a;
            filled -= span;
            if (filled == 0) {
                head = 0;
                tail = 0;
            }
        }
    }

    /** Moves the tail over lists no longer held. */
    private void reclaim() {
        while (filled > 0) {
            if (tail == buf.length) {
                tail = 0;
                continue;
            }
            long header = buf[tail];
            if (header == SKIP) {
                filled -= buf.length - tail;
                tail = 0;
                continue;
            }
            int slot = (int) (header >>> 32);
            if (at[slot] == tail) {
                return;
            }
            int span = SparseLatency.span(buf, tail);
            filled -= span;
            tail += span;
        }
        head = 0;
        tail = 0;
    }

    /** The index of {@code span} free longs, now accounted as filled. */
    private int allocate(int span) {
        reclaim();
        if (head >= tail && (filled == 0 || head != tail)) {
            // free: [head, end) and [0, tail)
            if (buf.length - head >= span) {
                return take(span);
            }
            if (tail >= span) {
                if (head < buf.length) {
                    buf[head] = SKIP;
                    filled += buf.length - head;
                }
                head = 0;
                return take(span);
            }
        } else if (head < tail && tail - head >= span) {
            return take(span);
        }
        compact(span);
        return take(span);
    }

    private int take(int span) {
        int p = head;
        head += span;
        filled += span;
        return p;
    }

    /** Copies the held lists, oldest first, to the start of a new array with room for {@code span} more and some. */
    private void compact(int span) {
        int live = 0;
        for (int a : at) {
            if (a >= 0) {
                live += SparseLatency.span(buf, a);
            }
        }
        long[] to = new long[Math.max(INITIAL_CAPACITY, live + span + (live + span) / 4)];
        int n = 0;
        int p = tail;
        int left = filled;
        while (left > 0) {
            if (p == buf.length) {
                p = 0;
                continue;
            }
            if (buf[p] == SKIP) {
                left -= buf.length - p;
                p = 0;
                continue;
            }
            int s = SparseLatency.span(buf, p);
            int slot = (int) (buf[p] >>> 32);
            if (at[slot] == p) {
                System.arraycopy(buf, p, to, n, s);
                at[slot] = n;
                n += s;
            }
            left -= s;
            p += s;
        }
        buf = to;
        tail = 0;
        head = n;
        filled = n;
        compactions++;
    }

    /** Longs the array has room for. */
    int capacity() {
        return buf.length;
    }

    /** Times the array was replaced by a larger or compacted one. */
    int compactions() {
        return compactions;
    }
}
