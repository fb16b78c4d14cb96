enum HubPlaceholder {}
