-- Lab 10: a skeleton Wireshark dissector for the tcplab sensor protocol.
-- Complete the TODOs, then:  tshark -X lua_script:labs/10-dissector/skeleton.lua -r lab10.pcap -Y sensorlab
-- (Protocol name "sensorlab", so it can be loaded next to the project's wireshark/sensor.lua: when
-- that one already holds port 5050 it keeps it, and this one is picked with -d tcp.port==5050,sensorlab.)

local sensorlab = Proto("sensorlab", "tcplab sensor lines (lab 10)")

local f_line   = ProtoField.string("sensorlab.line", "Line")
local f_device = ProtoField.string("sensorlab.device", "Device name")
local f_seq    = ProtoField.uint32("sensorlab.seq", "Reading number (seq)")
-- TODO: fields for millis (uint32), temperature and humidity (ProtoField.float or .string)
sensorlab.fields = { f_line, f_device, f_seq }

function sensorlab.dissector(tvb, pinfo, tree)
    local length = tvb:len()
    local offset = 0
    local lines = 0
    while offset < length do
        local rest = tvb:range(offset):string()
        local newline = rest:find("\n", 1, true)
        if newline == nil then
            -- The line goes on in the next segment: ask Wireshark's TCP reassembly for more.
            pinfo.desegment_offset = offset
            pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
            break
        end
        local text = rest:sub(1, newline - 1):gsub("\r$", "")
        local subtree = tree:add(sensorlab, tvb:range(offset, newline), "Sensor line: " .. text)
        subtree:add(f_line, tvb:range(offset, newline), text)
        local name = text:match("^HELLO (.+)$")
        if name then
            subtree:add(f_device, tvb:range(offset + 6, #name), name)
        else
            local seq = text:match("^(%d+),")
            if seq then
                subtree:add(f_seq, tvb:range(offset, #seq), tonumber(seq))
            end
            -- TODO: the other three fields; mark a line that does not parse with subtree:add_expert_info
        end
        lines = lines + 1
        offset = offset + newline
    end
    if lines > 0 then
        pinfo.cols.protocol = "SENSORLAB"
        pinfo.cols.info = lines .. " sensor line(s)"
    end
    -- All bytes are accounted for: shown as lines, or handed back through desegment_offset.
    return length
end

-- Port 5050, unless wireshark/sensor.lua (installed as a plugin, so loaded first) already has it:
-- taking it would hide that one's fields. Then "Decode As" (-d tcp.port==5050,sensorlab) picks this one.
local tcp_port = DissectorTable.get("tcp.port")
if tcp_port:get_dissector(5050) == nil then
    tcp_port:add(5050, sensorlab)
else
    tcp_port:add_for_decode_as(sensorlab)
end
