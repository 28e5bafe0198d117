import Testing

@testable import HXApplications
