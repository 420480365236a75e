// glibc keeps the pages of freed memory in each thread's arena for later allocations: a reader
// that decodes a span of rows, frees it and decodes the next one sees its resident size grow
// with every arena's leftovers, not with what it holds. Returning the free pages after each
// span keeps the peak at what one span needs.

#if canImport(Glibc)
import Glibc
#endif

enum MemoryRelease {
    #if canImport(Glibc)
    /// glibc's `malloc_trim`, looked up once (its header, malloc.h, is not in the Glibc module).
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif

    /// Gives the free pages of every arena back to the system (glibc); nothing elsewhere.
    static func returnFreedPages() {
        #if canImport(Glibc)
        _ = mallocTrim?(0)
        #endif
    }
}
