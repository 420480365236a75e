// libFuzzer target: decoding Spotify answers (artists, pages of albums) and parsing ids.
import Foundation
import SpotifyKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let decoder = JSONDecoder()
    _ = try? decoder.decode(Artist.self, from: bytes)
    _ = try? decoder.decode(Paging<SimplifiedAlbum>.self, from: bytes)
    _ = try? decoder.decode(Album.self, from: bytes)
    _ = try? SpotifyID(parsing: String(decoding: bytes, as: UTF8.self), kind: .artist)
    return 0
}
