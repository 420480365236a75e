// What a setting that names a service must be: an http or https URL with a host. One check for
// every endpoint setting (AWS_ENDPOINT_URL_*, SPOTIFY_API_URL, ...), so that a `file://` or a
// bare word is a configuration error everywhere, never a request that "could not be fetched".

import Foundation

package enum HTTPURL {
    /// The URL when `text` is an http(s) URL with a host; nil otherwise.
    package static func parse(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return nil }
        return url
    }
}
