//! An LRU set of KV-cache blocks (by block hash), O(1) per operation: a hash map into a
//! slab of nodes on a doubly linked list, most recent at the head.

use std::collections::HashMap;

const NIL: usize = usize::MAX;

#[derive(Debug, Clone)]
struct Node {
    key: u64,
    prev: usize,
    next: usize,
}

/// Blocks held by one instance, at most `capacity`.
#[derive(Debug, Clone)]
pub struct Lru {
    capacity: usize,
    map: HashMap<u64, usize>,
    nodes: Vec<Node>,
    free: Vec<usize>,
    head: usize,
    tail: usize,
}

impl Lru {
    pub fn new(capacity: usize) -> Lru {
        Lru {
            capacity,
            map: HashMap::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
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
    }

    /// Marks `key` most recently used, inserting it (and evicting the least recently used
    /// block if full). Returns the number of blocks evicted (0 or 1).
    pub fn touch(&mut self, key: u64) -> usize {
        if self.capacity == 0 {
            return 0;
        }
        if let Some(&i) = self.map.get(&key) {
            self.unlink(i);
            self.push_front(i);
            return 0;
        }
        let mut evicted = 0;
        if self.map.len() >= self.capacity {
            let t = self.tail;
            self.unlink(t);
            self.map.remove(&self.nodes[t].key);
            self.free.push(t);
            evicted = 1;
        }
        let node = Node {
            key,
            prev: NIL,
            next: NIL,
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
        self.push_front(i);
        evicted
    }

    /// Keys from most to least recently used (for tests and the UI).
    pub fn keys(&self) -> Vec<u64> {
        let mut v = Vec::with_capacity(self.len());
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
    fn evicts_the_least_recently_used() {
        let mut c = Lru::new(3);
        for k in [1, 2, 3] {
            c.touch(k);
        }
        c.touch(1); // 1 is now the most recent
        assert_eq!(c.touch(4), 1); // evicts 2
        assert_eq!(c.keys(), vec![4, 1, 3]);
        assert!(!c.contains(2));
        assert_eq!(c.prefix_hits(&[1, 3, 2, 4]), 2);
        assert_eq!(Lru::new(0).touch(1), 0);
    }
}
