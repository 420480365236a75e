// Real responses captured from the Web API (before 2026) decode, including albums that lack
// fields the 2026 schema requires.

import Foundation
import MomentumTestSupport
@testable import SpotifyKit
import Testing
import MomentumHTTP

@Suite struct CapturedResponsesTests {
    static func captured() throws -> [URL] {
        let folder = try Repository.reference("spotify/captured")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        guard !files.isEmpty else { throw TestSetupError("no captured responses in \(folder.path)") }
        return files
    }

    @Test func everyCapturedResponseDecodes() throws {
        let files = try Self.captured()
        var artists = 0, albums = 0
        for file in files {
            let response = TransportResponse(status: 200, body: [UInt8](try Data(contentsOf: file)))
            let spotify = client(ClosureTransport { _ in tokenAnswer })
            if file.lastPathComponent.hasSuffix("-Artist.json") {
                let artist = try spotify.decode(Artist.self, from: response, endpoint: "GET /artists/{id}")
                #expect(artist.id.count == 22 && !artist.name.isEmpty)
                #expect((artist.followerCount ?? 0) > 0 && artist.popularity != nil)
                artists += 1
            } else if file.lastPathComponent.hasSuffix("-Album.json") {
                let album = try spotify.decode(Album.self, from: response, endpoint: "GET /albums/{id}")
                #expect(album.id.count == 22 && !album.name.isEmpty)
                #expect((album.tracks?.items.count ?? 0) > 0)
                #expect(album.releaseDatePrecision != nil)
                albums += 1
            } else {
                Issue.record("unexpected fixture \(file.lastPathComponent)")
            }
        }
        #expect(artists >= 5 && albums >= 3)
    }

    @Test func artistsWithoutTheFieldsDroppedIn2026Decode() throws {
        let body = #"{"id":"0TnOYISbd1XYRBk9myaseg","name":"Pitbull","type":"artist","uri":"spotify:artist:0TnOYISbd1XYRBk9myaseg","href":"x","external_urls":{"spotify":"y"},"images":[],"something_new":{"a":1}}"#
        let spotify = client(ClosureTransport { _ in tokenAnswer })
        let artist = try spotify.decode(Artist.self, from: TransportResponse(status: 200, body: Array(body.utf8)), endpoint: "GET /artists/{id}")
        #expect(artist.followers == nil && artist.popularity == nil && artist.genres == nil)
        let album = #"{"id":"4aawyAB9vmqN3uQ7FjRGTy","name":"Global Warming","release_date":"2012","release_date_precision":"year"}"#
        let decoded = try spotify.decode(SimplifiedAlbum.self, from: TransportResponse(status: 200, body: Array(album.utf8)), endpoint: "x")
        #expect(decoded.albumGroup == nil && decoded.albumType == nil && decoded.totalTracks == nil)
    }
}
