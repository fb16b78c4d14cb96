extension Array {
    /// The index of the first element for which `isInSecondPart` holds, in an array
    /// where it holds for a suffix (`count` if for none): a binary search.
    func partitioningIndex(where isInSecondPart: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isInSecondPart(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
