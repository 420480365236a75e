// The Deezer API (no key): an artist's fans, and the lookups that find an artist by its
// releases (an album's UPC, a track's ISRC) or by name. Deezer answers errors, its quota
// included, as HTTP 200 with `{"error": {"code": …}}`: code 4 (quota) pauses and tries again,
// and is never read as "no data"; 700 (busy) backs off; 800 (no data) is an answer: nothing
// there.

import Foundation
import Logging
import MomentumHTTP

/// A client for the parts of the Deezer API Momentum needs.
///
/// ```swift
/// let deezer = DeezerClient()
/// if let album = try await deezer.album(upc: "602445868162") { print(album.artist.name) }
/// let fans = try await deezer.artist(id: 27)?.fans
/// ```
public final class DeezerClient: Sendable {
    /// How this client talks to Deezer.
    public let configuration: AudienceSourceConfiguration
    let exchange: AudienceExchange

    /// Deezer's quota answer: too many requests from this address.
    static let quotaCode = 4
    /// The service is busy: try again.
    static let busyCode = 700
    /// The object does not exist.
    static let noDataCode = 800

    /// A client; the configuration's base URL is `DEEZER_API_URL`'s job in the CLI.
    public init(configuration: AudienceSourceConfiguration = .deezer(), transport: any HTTPTransport = CurlTransport(), logger: Logger? = nil) {
        self.configuration = configuration
        exchange = AudienceExchange(source: "Deezer", configuration: configuration, transport: transport, logger: logger)
    }

    /// `GET /artist/{id}`: the artist with its fans; nil when Deezer has no such artist.
    public func artist(id: Int64) async throws -> DeezerArtist? {
        try await object(DeezerArtist.self, path: "/artist/\(id)", endpoint: "GET /artist/{id}")
    }

    /// `GET /search/artist?q=`: artists whose names match, best first (at most `limit`).
    public func searchArtists(_ name: String, limit: Int = 10) async throws -> [DeezerArtist] {
        let endpoint = "GET /search/artist"
        let url = try exchange.url("/search/artist", query: [("q", name), ("limit", "\(max(1, min(limit, 100)))")])
        return try await exchange.get(url, endpoint: endpoint) { response in
            try self.read(response, endpoint: endpoint) { try self.exchange.decode(DeezerList<DeezerArtist>.self, $0, endpoint: endpoint).data }
                .map { $0 ?? [] }
        }
    }

    /// `GET /album/upc:{upc}`: the album with that barcode (normalised to the 12 digits Deezer
    /// expects, ``normalizedUPC(_:)``); nil when Deezer has none.
    public func album(upc: String) async throws -> DeezerAlbum? {
        guard let code = DeezerClient.normalizedUPC(upc) else { return nil }
        return try await object(DeezerAlbum.self, path: "/album/upc:\(code)", endpoint: "GET /album/upc:{upc}")
    }

    /// `GET /track/isrc:{isrc}`: the track of that recording; nil when Deezer has none.
    public func track(isrc: String) async throws -> DeezerTrack? {
        let code = isrc.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard code.count == 12 else { return nil }
        return try await object(DeezerTrack.self, path: "/track/isrc:\(code)", endpoint: "GET /track/isrc:{isrc}")
    }

    /// A barcode as Deezer looks it up: digits only, padded with leading zeros to 12 or cut of
    /// leading zeros down to 12 (an EAN-13 or GTIN-14 of a UPC-A); nil when it has no digits, or
    /// more than 14, or more than 12 significant ones beyond an EAN-13.
    public static func normalizedUPC(_ upc: String) -> String? {
        var digits = upc.filter { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 14 else { return nil }
        while digits.count > 12, digits.first == "0" { digits.removeFirst() }
        guard digits.count <= 13 else { return nil }
        return digits.count < 12 ? String(repeating: "0", count: 12 - digits.count) + digits : digits
    }

    /// True when two barcodes are the same code once normalised.
    public static func sameUPC(_ a: String, _ b: String) -> Bool {
        guard let x = normalizedUPC(a), let y = normalizedUPC(b) else { return false }
        return x == y
    }

    // MARK: Answers

    private func object<T: Decodable & Sendable>(_ type: T.Type, path: String, endpoint: String) async throws -> T? {
        let url = try exchange.url(path, query: [])
        return try await exchange.get(url, endpoint: endpoint) { response in
            try self.read(response, endpoint: endpoint) { try self.exchange.decode(T.self, $0, endpoint: endpoint) }
        }
    }

    /// Reads an answer: an error object first (whatever the status), then the value.
    private func read<T>(_ response: TransportResponse, endpoint: String, decode: ([UInt8]) throws -> T) throws -> AudienceExchange.Reading<T?> {
        if let answer = try? JSONDecoder().decode(DeezerErrorAnswer.self, from: Data(response.body)) {
            let detail = "\(answer.error.type ?? "error") \(answer.error.code.map(String.init) ?? "?"): \(answer.error.message ?? "")"
            switch answer.error.code {
            case DeezerClient.quotaCode: return .quota("quota exceeded (\(detail))")
            case DeezerClient.busyCode: return .busy("busy (\(detail))")
            case DeezerClient.noDataCode: return .value(nil)
            default: return .failed(AudienceError.service("Deezer", endpoint, detail))
            }
        }
        if response.status == 404 { return .value(nil) }
        guard (200..<300).contains(response.status) else {
            return .failed(AudienceError.service("Deezer", endpoint, "HTTP \(response.status)"))
        }
        return .value(try decode(response.body))
    }
}
