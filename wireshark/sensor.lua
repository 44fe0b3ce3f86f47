-- Wireshark / tshark dissector for tcplab's sensor protocol (TCP port 5050).
--
-- A board sends an optional first line "HELLO <name>", then one reading per line:
--   <seq>,<millis>,<temperature>,<humidity>\r\n      e.g. 12,1234567,28.3,65.2
-- TCP is a byte stream: one segment may carry half a line or several lines. The dissector
-- asks Wireshark to reassemble until a line ends (desegment_len), then shows each line.
--
-- Install:  cp wireshark/sensor.lua ~/.local/lib/wireshark/plugins/   (restart Wireshark)
-- Or once:  tshark -X lua_script:wireshark/sensor.lua -r lab.pcap -Y sensor
-- Filters:  sensor.seq, sensor.millis, sensor.temperature, sensor.humidity, sensor.device,
--           sensor.error ("sensor.error" alone lists the rejected lines)

local sensor = Proto("sensor", "tcplab sensor protocol")

local f_line        = ProtoField.string("sensor.line", "Line")
local f_device      = ProtoField.string("sensor.device", "Device")
local f_seq         = ProtoField.uint32("sensor.seq", "Reading number (seq)", base.DEC)
local f_millis      = ProtoField.uint64("sensor.millis", "Uptime (ms)", base.DEC)
local f_temperature = ProtoField.double("sensor.temperature", "Temperature (°C)")
local f_humidity    = ProtoField.double("sensor.humidity", "Humidity (%RH)")
local f_error       = ProtoField.string("sensor.error", "Error")
sensor.fields = { f_line, f_device, f_seq, f_millis, f_temperature, f_humidity, f_error }

local tcp_stream = Field.new("tcp.stream")
-- Device names from HELLO, per TCP stream, so every reading can say which board sent it.
local devices = {}

function sensor.init()
    devices = {}
end

-- The same rules as tcplab's parser (docs/protocol.md): four fields, non-negative integers,
-- decimal numbers, values a DHT11 can produce.
local function parse_reading(text)
    local seq, millis, t, h = text:match("^(%d+),(%d+),(-?%d+%.?%d*),(-?%d+%.?%d*)$")
    if not seq then
        local fields = select(2, text:gsub(",", ",")) + 1
        if fields ~= 4 then return nil, "expected 4 comma-separated fields, found " .. fields end
        return nil, "a field is not a number"
    end
    t, h = tonumber(t), tonumber(h)
    if t < -40 or t > 80 then return nil, "temperature " .. t .. " is outside -40..80 °C" end
    if h < 0 or h > 100 then return nil, "humidity " .. h .. " is outside 0..100 %RH" end
    return { seq = tonumber(seq), millis = UInt64(tonumber(millis)), t = t, h = h }
end

function sensor.dissector(buffer, pinfo, tree)
    local length = buffer:len()
    if length == 0 then return 0 end
    if pinfo.dst_port ~= pinfo.match_uint then
        -- The server's side of the conversation is not part of the protocol: show it as text.
        pinfo.cols.protocol = "SENSOR"
        tree:add(sensor, buffer(), "Server to board: " .. buffer():string():gsub("[\r\n]+$", ""))
        return length
    end
    local stream = tostring(tcp_stream())
    local offset = 0
    local lines = 0
    while offset < length do
        local bytes = buffer(offset):bytes()
        local newline = nil
        for i = 0, bytes:len() - 1 do
            if bytes:get_index(i) == 10 then newline = i break end
        end
        if newline == nil then
            -- The rest of this line is in a later segment: ask TCP for more.
            pinfo.desegment_offset = offset
            pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
            break
        end
        local range = buffer(offset, newline + 1)
        local text = buffer(offset, newline):string():gsub("\r$", "")
        local item = tree:add(sensor, range, "Sensor line: " .. text)
        item:add(f_line, range, text)
        local name = text:match("^HELLO (.+)$")
        if name then
            devices[stream] = name
            item:add(f_device, range, name)
        else
            if devices[stream] then item:add(f_device, range, devices[stream]):set_generated() end
            local reading, problem = parse_reading(text)
            if reading then
                item:add(f_seq, range, reading.seq)
                item:add(f_millis, range, reading.millis)
                item:add(f_temperature, range, reading.t)
                item:add(f_humidity, range, reading.h)
            else
                item:add(f_error, range, problem)
                item:add_expert_info(PI_MALFORMED, PI_WARN, problem)
            end
        end
        lines = lines + 1
        offset = offset + newline + 1
    end
    if lines > 0 then
        pinfo.cols.protocol = "SENSOR"
        pinfo.cols.info:set(lines .. (lines == 1 and " line" or " lines") .. " of sensor data")
    end
    return length
end

DissectorTable.get("tcp.port"):add(5050, sensor)
