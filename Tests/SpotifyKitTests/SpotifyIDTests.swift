import SpotifyKit
import Testing

@Suite struct SpotifyIDTests {
    @Test(arguments: [
        "0TnOYISbd1XYRBk9myaseg",
        " 0TnOYISbd1XYRBk9myaseg\n",
        "spotify:artist:0TnOYISbd1XYRBk9myaseg",
        "https://open.spotify.com/artist/0TnOYISbd1XYRBk9myaseg",
        "https://open.spotify.com/artist/0TnOYISbd1XYRBk9myaseg?si=abc123",
        "https://open.spotify.com/intl-de/artist/0TnOYISbd1XYRBk9myaseg",
        "open.spotify.com/artist/0TnOYISbd1XYRBk9myaseg/",
    ])
    func acceptsIDsURIsAndLinks(_ text: String) throws {
        let id = try SpotifyID(parsing: text, kind: .artist)
        #expect(id.rawValue == "0TnOYISbd1XYRBk9myaseg")
        #expect(id.uri == "spotify:artist:0TnOYISbd1XYRBk9myaseg")
    }

    @Test(arguments: [
        "", "Pitbull", "0TnOYISbd1XYRBk9myase", "0TnOYISbd1XYRBk9myaseg1", "0TnOYISbd1XYRBk9mya-eg",
        "spotify:album:0TnOYISbd1XYRBk9myaseg", "spotify:artist:", "https://open.spotify.com/album/0TnOYISbd1XYRBk9myaseg",
        "https://open.spotify.com/artist/", "spotify:artist:0TnOYISbd1XYRBk9myaseg:extra",
    ])
    func rejectsEverythingElseClearly(_ text: String) {
        #expect(throws: SpotifyError.invalidIDKind) { try SpotifyID(parsing: text, kind: .artist) }
        do {
            _ = try SpotifyID(parsing: text, kind: .artist)
        } catch {
            #expect("\(error)".contains("is not a Spotify artist id, URI or URL"))
        }
    }
}
