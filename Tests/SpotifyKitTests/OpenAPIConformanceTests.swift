// Every request the client makes and every answer the simulator gives, checked against
// Spotify's OpenAPI description (tagged .outsideTools: the validator is Python).

import Foundation
import MomentumTestSupport
import SpotifyKit
import SpotifySimulator
import Testing

@Suite(.tags(.outsideTools))
struct OpenAPIConformanceTests {
    @Test(arguments: SpotifySimulator.Mode.allCases)
    func requestsAndAnswersFollowTheDescription(_ mode: SpotifySimulator.Mode) async throws {
        let simulator = SpotifySimulator(options: .init(artists: 60, seed: 11, mode: mode))
        let recorder = RecordingTransport(wrapping: simulator)
        let client = SpotifyClient(clientID: "a", clientSecret: "b", configuration: SpotifyConfiguration(market: "SE"), transport: recorder)
        let ids = try simulator.artistDirectory.map { try SpotifyID(parsing: $0.id, kind: .artist) }
        _ = await client.artists(ids)
        _ = try await client.artist(ids[0])
        var albumIDs: [String] = []
        for id in ids.prefix(3) {
            for try await album in client.albums(of: id, groups: [.album, .single, .compilation, .appearsOn]) { albumIDs.append(album.id) }
        }
        _ = try await client.searchArtists("a", count: 25)
        _ = try await client.album(try SpotifyID(parsing: try #require(albumIDs.first), kind: .album))

        let exchanges: [[String: Any]] = recorder.exchanges.compactMap { request, response in
            guard request.url.path.hasPrefix("/v1/") else { return nil }
            let query = Dictionary((URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []).map { ($0.name, $0.value ?? "") },
                                   uniquingKeysWith: { _, b in b })
            var exchange: [String: Any] = ["method": request.method, "path": request.url.path, "query": query, "mode": mode.rawValue,
                                           "status": response?.status ?? 0]
            if let response, (200..<300).contains(response.status) {
                exchange["body"] = try? JSONSerialization.jsonObject(with: Data(response.body))
            }
            return exchange
        }
        #expect(exchanges.count > 6)
        let folder = try Repository.temporaryFolder("openapi")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("exchanges.json")
        try JSONSerialization.data(withJSONObject: ["exchanges": exchanges]).write(to: file)
        let spec = try Repository.reference("spotify/spotify-web-api.openapi.yml")
        let result = try await OutsideTools.runScript("check_openapi.py", [spec.path, file.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
