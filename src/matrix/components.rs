//! Groups (near-duplicates, stories): the connected components of the graph whose edges are
//! pairs of rows, found with union-find.

/// Connected components of the graph whose edges are the pairs: a label per node, numbered
/// in the order of each component's first node.
pub fn connected_components(n: usize, indptr: &[usize], columns: &[u32]) -> Vec<i64> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut a: usize) -> usize {
        while parent[a] != a {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        a
    }
    for i in 0..n {
        for &j in &columns[indptr[i]..indptr[i + 1]] {
            let (a, b) = (find(&mut parent, i), find(&mut parent, j as usize));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut label_of_root = vec![-1i64; n];
    let mut next = 0;
    (0..n)
        .map(|i| {
            let root = find(&mut parent, i);
            if label_of_root[root] < 0 {
                label_of_root[root] = next;
                next += 1;
            }
            label_of_root[root]
        })
        .collect()
}
