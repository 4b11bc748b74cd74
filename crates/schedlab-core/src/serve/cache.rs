//! The prefix cache of one instance's KV memory: blocks by hash, O(1) per operation. A
//! block a running request uses is pinned (off the eviction list); the others form an LRU
//! list, most recent at the head, that the instance evicts from when it needs memory. The
//! instance counts memory (cached blocks plus running requests' own); this only orders.

use crate::util::FastMap;

const NIL: usize = usize::MAX;

#[derive(Debug, Clone)]
struct Node {
    key: u64,
    prev: usize,
    next: usize,
    pins: u32,
}

/// The cached blocks of one instance.
#[derive(Debug, Clone, Default)]
pub struct Lru {
    map: FastMap<u64, usize>,
    nodes: Vec<Node>,
    free: Vec<usize>,
    head: usize,
    tail: usize,
    /// Blocks on the eviction list (cached and pinned by no running request).
    unpinned: usize,
}

impl Lru {
    pub fn new() -> Lru {
        Lru {
            head: NIL,
            tail: NIL,
            ..Lru::default()
        }
    }

    /// Cached blocks, pinned or not.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Cached blocks a running request uses.
    pub fn pinned(&self) -> usize {
        self.map.len() - self.unpinned
    }

    pub fn contains(&self, key: u64) -> bool {
        self.map.contains_key(&key)
    }

    /// How many of `keys`, from the first, are cached (a prefix match: an id names its whole
    /// prefix, so the match stops at the first miss).
    pub fn prefix_hits(&self, keys: &[u64]) -> usize {
        keys.iter().take_while(|k| self.map.contains_key(k)).count()
    }

    fn unlink(&mut self, i: usize) {
        let (p, n) = (self.nodes[i].prev, self.nodes[i].next);
        if p == NIL {
            self.head = n;
        } else {
            self.nodes[p].next = n;
        }
        if n == NIL {
            self.tail = p;
        } else {
            self.nodes[n].prev = p;
        }
        self.unpinned -= 1;
    }

    fn push_front(&mut self, i: usize) {
        self.nodes[i].prev = NIL;
        self.nodes[i].next = self.head;
        if self.head != NIL {
            self.nodes[self.head].prev = i;
        }
        self.head = i;
        if self.tail == NIL {
            self.tail = i;
        }
        self.unpinned += 1;
    }

    /// Pins a cached block (a running request uses it). False if it is not cached.
    pub fn pin(&mut self, key: u64) -> bool {
        let Some(&i) = self.map.get(&key) else {
            return false;
        };
        if self.nodes[i].pins == 0 {
            self.unlink(i);
        }
        self.nodes[i].pins += 1;
        true
    }

    /// Unpins a block; the last unpin puts it at the head of the eviction list.
    pub fn unpin(&mut self, key: u64) {
        if let Some(&i) = self.map.get(&key) {
            if self.nodes[i].pins > 0 {
                self.nodes[i].pins -= 1;
                if self.nodes[i].pins == 0 {
                    self.push_front(i);
                }
            }
        }
    }

    /// Caches a block just computed, pinned; if it was cached meanwhile, pins that copy.
    /// True when the block is new to the cache.
    pub fn insert_pinned(&mut self, key: u64) -> bool {
        if self.pin(key) {
            return false;
        }
        let node = Node {
            key,
            prev: NIL,
            next: NIL,
            pins: 1,
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.nodes[i] = node;
                i
            }
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        };
        self.map.insert(key, i);
        true
    }

    /// Evicts the least recently used unpinned block; false if every block is pinned.
    pub fn evict(&mut self) -> bool {
        let t = self.tail;
        if t == NIL {
            return false;
        }
        self.unlink(t);
        self.map.remove(&self.nodes[t].key);
        self.free.push(t);
        true
    }

    /// Unpinned keys from most to least recently used (for tests and the UI).
    pub fn keys(&self) -> Vec<u64> {
        let mut v = Vec::with_capacity(self.unpinned);
        let mut i = self.head;
        while i != NIL {
            v.push(self.nodes[i].key);
            i = self.nodes[i].next;
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used_unpinned_block() {
        let mut c = Lru::new();
        for k in [1, 2, 3] {
            assert!(c.insert_pinned(k));
            c.unpin(k);
        }
        c.pin(1);
        c.unpin(1); // 1 is now the most recent
        assert_eq!(c.keys(), vec![1, 3, 2]);
        assert!(c.pin(2)); // a running request uses 2: never evicted
        assert!(c.evict()); // evicts 3
        assert_eq!(c.keys(), vec![1]);
        assert!(c.evict());
        assert!(!c.evict(), "only the pinned block is left");
        assert_eq!((c.len(), c.pinned()), (1, 1));
        assert!(!c.insert_pinned(2), "cached meanwhile: pinned twice");
        c.unpin(2);
        assert_eq!(c.keys(), Vec::<u64>::new());
        c.unpin(2);
        assert_eq!(c.keys(), vec![2]);
        assert_eq!(c.prefix_hits(&[2, 3]), 1);
        assert!(!c.pin(9));
    }
}
